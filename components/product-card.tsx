import Link from "next/link";
import { formatPrice, type ProductView, type StorefrontSale } from "@/lib/catalog/views";
import { SaleBadge } from "./sale-badge";

export function ProductCard({ product, sale }: { product: ProductView; sale?: StorefrontSale }) {
  return (
    <Link href={`/products/${product.slug}`} className="card">
      {/* eslint-disable-next-line @next/next/no-img-element -- local SVGs and uploads, no optimizer needed */}
      <img src={product.imageUrl} alt="" width={400} height={400} loading="lazy" />
      {sale && (
        <SaleBadge
          id={sale.id}
          startsAt={sale.startsAt}
          endsAt={sale.endsAt}
          status={sale.status}
        />
      )}
      <div className="card-body">
        <h3 className="card-title">{product.name}</h3>
        <span className="card-price">{formatPrice(product.priceCents)}</span>
      </div>
    </Link>
  );
}
