import Link from "next/link";
import { ProductCard } from "@/components/product-card";
import { SaleBadge } from "@/components/sale-badge";
import { getCatalog, getStorefrontSales } from "@/lib/catalog/cached";
import { featuredSales, formatPrice } from "@/lib/catalog/views";

// The home page is static HTML, regenerated in the background at most once a minute (ISR)
// and at once when a merchant changes the catalog or a sale (cache tags).
export const revalidate = 60;

export default async function HomePage() {
  const [products, current] = await Promise.all([getCatalog(), getStorefrontSales()]);
  const sales = featuredSales(current);
  const saleByProduct = new Map(sales.map((s) => [s.product.slug, s]));
  const featured = sales[0];

  return (
    <>
      {featured ? (
        <section className="hero" aria-labelledby="hero-title">
          <div>
            <SaleBadge
              id={featured.id}
              startsAt={featured.startsAt}
              endsAt={featured.endsAt}
              status={featured.status}
            />
            <h1 id="hero-title">{featured.product.name}</h1>
            <p>
              {featured.stock.toLocaleString("en-US")} units at{" "}
              {formatPrice(featured.product.priceCents)}. First come, first served — you will know
              within seconds whether one is yours.
            </p>
            <Link
              href={`/products/${featured.product.slug}`}
              className="btn btn-large"
              style={{ maxWidth: 280 }}
            >
              Go to the drop
            </Link>
          </div>
          {/* eslint-disable-next-line @next/next/no-img-element -- shipped SVG */}
          <img
            className="hero-image"
            src={featured.product.imageUrl}
            alt={featured.product.name}
            width={380}
            height={380}
          />
        </section>
      ) : null}

      {sales.length > 0 && (
        <section aria-labelledby="sales-title" id="sales">
          <div className="section-title">
            <h2 id="sales-title">Drops</h2>
            <span className="muted">Live and coming up</span>
          </div>
          <ul className="sale-strip">
            {sales.map((s) => (
              <li key={s.id}>
                <Link href={`/products/${s.product.slug}`} className="sale-tile">
                  {/* eslint-disable-next-line @next/next/no-img-element -- shipped SVG */}
                  <img src={s.product.imageUrl} alt="" width={96} height={96} />
                  <span>
                    <strong>{s.product.name}</strong>
                    <span className="muted">
                      {s.stock.toLocaleString("en-US")} units · {formatPrice(s.product.priceCents)}
                    </span>
                    <br />
                    <SaleBadge
                      id={s.id}
                      startsAt={s.startsAt}
                      endsAt={s.endsAt}
                      status={s.status}
                    />
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        </section>
      )}

      <section aria-labelledby="catalog-title">
        <div className="section-title">
          <h2 id="catalog-title">The shop</h2>
          <span className="muted">{products.length} products</span>
        </div>
        {products.length === 0 ? (
          <p className="empty">No products yet.</p>
        ) : (
          <ul className="grid">
            {products.map((p) => (
              <li key={p.id}>
                <ProductCard product={p} sale={saleByProduct.get(p.slug)} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
