import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AdminHead, saleTrail } from "@/components/admin/admin-head";
import { AdminTable } from "@/components/admin/admin-table";
import { LocalTime } from "@/components/admin/local-time";
import { getSaleForAdmin, searchSaleOrders } from "@/db/admin-queries";
import { pageCount, parseOrderSearch } from "@/lib/admin/orders";
import { formatPrice } from "@/lib/catalog/views";
import { merchantForPage } from "../../../guard";

export const metadata: Metadata = { title: "Orders" };

type Props = {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ q?: string | string[]; page?: string | string[] }>;
};

export default async function SaleOrdersPage({ params, searchParams }: Props) {
  const { id } = await params;
  if (!(await merchantForPage(`/admin/sales/${id}/orders`))) return null;
  const sale = await getSaleForAdmin(id);
  if (!sale) notFound();
  const { q, page } = parseOrderSearch(await searchParams);
  const { rows, total } = await searchSaleOrders(sale.id, q, page);
  const pages = pageCount(total);
  const href = (p: number) => {
    const sp = new URLSearchParams();
    if (q) sp.set("q", q);
    if (p > 1) sp.set("page", String(p));
    const s = sp.toString();
    return `/admin/sales/${sale.id}/orders${s ? `?${s}` : ""}`;
  };
  const csv = `/api/admin/sales/${sale.id}/orders.csv${q ? `?q=${encodeURIComponent(q)}` : ""}`;

  return (
    <>
      <AdminHead
        trail={saleTrail(sale)}
        here="Orders"
        title="Orders"
        lead={`${sale.orders.toLocaleString("en-US")} confirmed for ${sale.product.name}`}
        actions={
          <a href={csv} className="btn btn-secondary" download>
            Export CSV
          </a>
        }
      />

      <form className="admin-search" role="search" action={`/admin/sales/${sale.id}/orders`}>
        <label htmlFor="order-q" className="sr-only">
          Search by email or order id
        </label>
        <input
          id="order-q"
          type="search"
          name="q"
          defaultValue={q}
          placeholder="Search by email or order id"
          maxLength={254}
        />
        <button type="submit" className="btn btn-small">
          Search
        </button>
        {q && (
          <Link href={href(1).replace(/\?.*$/, "")} className="btn btn-secondary btn-small">
            Clear
          </Link>
        )}
      </form>

      <p className="muted" role="status">
        {q
          ? `${total.toLocaleString("en-US")} ${total === 1 ? "order matches" : "orders match"} “${q}”`
          : `${total.toLocaleString("en-US")} ${total === 1 ? "order" : "orders"}`}
      </p>

      {rows.length === 0 ? (
        <p className="admin-empty">{q ? "No orders match that search." : "No orders yet."}</p>
      ) : (
        <AdminTable
          caption={`Orders for ${sale.product.name}`}
          columns={[
            "Shopper",
            "Order",
            "Placed",
            { label: "Qty", num: true },
            { label: "Price", num: true },
            "Status",
          ]}
        >
          {rows.map((o) => (
            <tr key={o.id}>
              <td>
                <span className="cell-two">
                  <span>{o.name ?? "—"}</span>
                  <span className="muted">{o.email}</span>
                </span>
              </td>
              <td className="mono">{o.id}</td>
              <td>
                <LocalTime iso={o.createdAt.toISOString()} compact />
              </td>
              <td className="num">{o.quantity}</td>
              <td className="num">{formatPrice(o.priceCents)}</td>
              <td>
                <span
                  className={o.status === "confirmed" ? "badge badge-ok" : "badge badge-cancelled"}
                >
                  {o.status === "confirmed" ? "Confirmed" : "Cancelled"}
                </span>
              </td>
            </tr>
          ))}
        </AdminTable>
      )}

      {pages > 1 && (
        <nav className="pager" aria-label="Pages">
          {page > 1 ? (
            <Link href={href(page - 1)} className="btn btn-secondary btn-small" rel="prev">
              ← Newer
            </Link>
          ) : (
            <span />
          )}
          <span className="muted">
            Page {page} of {pages}
          </span>
          {page < pages ? (
            <Link href={href(page + 1)} className="btn btn-secondary btn-small" rel="next">
              Older →
            </Link>
          ) : (
            <span />
          )}
        </nav>
      )}
    </>
  );
}
