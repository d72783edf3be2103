import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { CheckoutPanel } from "@/components/sale/checkout-panel";
import { currentUser } from "@/lib/auth";
import { getSaleWithProduct } from "@/lib/catalog/cached";
import { isUuid } from "@/lib/validation/uuid";

export const metadata: Metadata = { title: "Checkout" };

export default async function CheckoutPage({ params }: { params: Promise<{ saleId: string }> }) {
  const { saleId } = await params;
  if (!isUuid(saleId)) notFound();
  const user = await currentUser();
  if (!user) redirect(`/sign-in?callbackUrl=${encodeURIComponent(`/checkout/${saleId}`)}`);
  // Cached (lib/catalog): 10,000 token holders arrive at once, and PostgreSQL may be down.
  const sale = await getSaleWithProduct(saleId);
  if (!sale) notFound();
  return (
    <section className="checkout" aria-labelledby="checkout-title">
      <h1 id="checkout-title">Checkout</h1>
      <CheckoutPanel
        saleId={sale.id}
        product={{
          slug: sale.product.slug,
          name: sale.product.name,
          imageUrl: sale.product.imageUrl,
          priceCents: sale.product.priceCents,
        }}
      />
    </section>
  );
}
