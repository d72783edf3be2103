import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { OrderPending } from "@/components/sale/order-pending";
import { getOrderForUser } from "@/db/queries";
import { currentUser } from "@/lib/auth";
import { formatPrice } from "@/lib/catalog/views";
import { isUuid } from "@/lib/validation/uuid";

export const metadata: Metadata = { title: "Order confirmed" };

export default async function OrderPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await currentUser();
  if (!user) redirect(`/sign-in?callbackUrl=${encodeURIComponent(`/orders/${id}`)}`);
  const order = isUuid(id) ? await getOrderForUser(id, user.id).catch(() => undefined) : undefined;
  if (!order) {
    // Checkout said "received" but the order is still on its way to the database (or the id is not yours).
    return <OrderPending />;
  }
  return (
    <section className="panel confirmation" aria-labelledby="order-title">
      <p className="badge">Order {order.status}</p>
      <h1 id="order-title" tabIndex={-1}>
        It’s yours. Thank you!
      </h1>
      <div className="checkout-line">
        {/* eslint-disable-next-line @next/next/no-img-element -- shipped SVG or uploaded image */}
        <img src={order.product.imageUrl} alt="" width={96} height={96} />
        <div>
          <strong>{order.product.name}</strong>
          <div className="muted">Order {order.id.slice(0, 8)}</div>
        </div>
        <strong className="checkout-total">{formatPrice(order.priceCents)}</strong>
      </div>
      <p>
        <Link href="/account">See all your orders</Link> · <Link href="/">Back to the shop</Link>
      </p>
    </section>
  );
}
