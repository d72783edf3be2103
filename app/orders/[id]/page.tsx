import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { OrderPending } from "@/components/sale/order-pending";
import { currentUser } from "@/lib/auth";
import { formatPrice } from "@/lib/catalog/views";
import { lookUpOrder } from "@/lib/orders/order-lookup";

export const metadata: Metadata = { title: "Your order" };

type Props = {
  params: Promise<{ id: string }>;
  /** `sale`: set by checkout, so an order the outbox has not written yet can be found in Redis. */
  searchParams: Promise<{ sale?: string | string[] }>;
};

export default async function OrderPage({ params, searchParams }: Props) {
  const { id } = await params;
  const { sale } = await searchParams;
  const saleId = typeof sale === "string" ? sale : undefined;
  const user = await currentUser();
  if (!user) {
    const query = saleId ? `?sale=${encodeURIComponent(saleId)}` : "";
    const back = `/orders/${encodeURIComponent(id)}${query}`;
    redirect(`/sign-in?callbackUrl=${encodeURIComponent(back)}`);
  }
  const found = await lookUpOrder(id, user.id, saleId);
  if (found.status === "unknown") notFound();
  if (found.status === "pending") return <OrderPending />;
  const { order } = found;
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
