import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { listOrdersForUser } from "@/db/queries";
import { currentUser } from "@/lib/auth";
import { formatPrice } from "@/lib/catalog/views";

export const metadata: Metadata = { title: "Your account" };

const date = new Intl.DateTimeFormat("en-US", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "UTC",
});

export default async function AccountPage({
  searchParams,
}: {
  searchParams: Promise<{ password?: string }>;
}) {
  const user = await currentUser();
  if (!user) redirect("/sign-in?callbackUrl=/account");
  const orders = await listOrdersForUser(user.id);
  const changed = (await searchParams).password === "changed";
  return (
    <section aria-labelledby="account-title">
      <div className="section-title">
        <h1 id="account-title" style={{ margin: 0 }}>
          Hi{user.name ? `, ${user.name}` : ""}
        </h1>
        <span className="muted">
          {user.email} · <Link href="/account/password">Change password</Link>
        </span>
      </div>
      {changed && (
        <p className="notice" role="status">
          Your password was changed and every other session was signed out.
        </p>
      )}
      <h2>Your orders</h2>
      {orders.length === 0 ? (
        <p className="empty">
          No orders yet. <Link href="/">Find a drop</Link>
        </p>
      ) : (
        <ul className="order-list" data-testid="orders">
          {orders.map((o) => (
            <li key={o.id} className="sale-tile">
              {/* eslint-disable-next-line @next/next/no-img-element -- shipped SVG or uploaded image */}
              <img src={o.product.imageUrl} alt="" width={96} height={96} />
              <span>
                <Link href={`/orders/${o.id}`}>
                  <strong>{o.product.name}</strong>
                </Link>
                <span className="muted">
                  {formatPrice(o.priceCents)} · {date.format(o.createdAt)} UTC · {o.status}
                </span>
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
