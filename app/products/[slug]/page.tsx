import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { NoJsBuyForm } from "@/components/sale/no-js-buy-form";
import { SalePanel } from "@/components/sale/sale-panel";
import { getProduct, getProductSales } from "@/lib/catalog/cached";
import { featuredSale, formatPrice } from "@/lib/catalog/views";
import { renderedPhase } from "@/lib/client/drop-phase";

// Rendered on first request, then served from the ISR cache; regenerated in the background at
// most once a minute and at once when the product or its sales change (cache tags).
export const revalidate = 60;
export const generateStaticParams = async () => [];

/** When this render happens (outside the component body: a render must be pure). */
const renderTime = async () => Date.now();

type Props = { params: Promise<{ slug: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const product = await getProduct((await params).slug);
  return product
    ? { title: product.name, description: product.description }
    : { title: "Not found" };
}

export default async function ProductPage({ params }: Props) {
  const { slug } = await params;
  const product = await getProduct(slug);
  if (!product) notFound();
  const [sales, renderedAt] = await Promise.all([
    getProductSales(product.id, product.slug),
    renderTime(),
  ]);
  // Chosen at render time; the page is regenerated when sales change (tag) or within a minute,
  // and the sale panel works out live/upcoming/ended itself in the browser.
  const sale = featuredSale(sales);

  return (
    <article className="product">
      <div className="product-image">
        {/* eslint-disable-next-line @next/next/no-img-element -- shipped SVG or uploaded image */}
        <img src={product.imageUrl} alt={product.name} width={800} height={800} />
      </div>
      <div>
        <nav className="breadcrumbs" aria-label="Breadcrumb">
          <Link href="/">Shop</Link> / <span aria-current="page">{product.name}</span>
        </nav>
        <h1>{product.name}</h1>
        <p className="price">{formatPrice(product.priceCents)}</p>
        <p>{product.description}</p>
        {sale ? (
          <>
            <SalePanel
              sale={sale}
              productSlug={product.slug}
              productName={product.name}
              rendered={renderedPhase(sale, renderedAt)}
            />
            <NoJsBuyForm saleId={sale.id} productSlug={product.slug} />
          </>
        ) : null}
      </div>
    </article>
  );
}
