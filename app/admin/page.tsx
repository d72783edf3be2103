import type { Metadata } from "next";
import Link from "next/link";
import { AdminHead } from "@/components/admin/admin-head";
import { withPhases } from "@/components/admin/sale-phase-badge";
import { SalesTable, type SaleRow } from "@/components/admin/sales-table";
import { dashboardCounts, listSalesForAdmin } from "@/db/admin-queries";
import { merchantForPage } from "./guard";

export const metadata: Metadata = { title: "Overview" };

export default async function AdminHome() {
  const merchant = await merchantForPage("/admin");
  if (!merchant) return null;
  const [sales, counts] = await Promise.all([listSalesForAdmin(), dashboardCounts()]);
  const rows: SaleRow[] = withPhases(sales);
  const live = rows.filter((s) => s.phase === "live" || s.phase === "paused");
  const upcoming = rows.filter((s) => s.phase === "upcoming").reverse();
  const ended = rows
    .filter((s) => s.phase === "sold_out" || s.phase === "ended" || s.phase === "cancelled")
    .slice(0, 10);

  const groups: [string, string, SaleRow[], string][] = [
    ["live", "Live now", live, "No sale is running right now."],
    ["upcoming", "Coming up", upcoming, "Nothing scheduled. Schedule a sale to start a drop."],
    ["ended", "Sold out or ended", ended, "No sale has sold out or ended yet."],
  ];

  const stats: [string, string | number][] = [
    ["Live sales", live.length],
    ["Upcoming", upcoming.length],
    ["Active products", counts.activeProducts],
    ["Orders", counts.orders.toLocaleString("en-US")],
  ];

  return (
    <>
      <AdminHead
        title="Overview"
        lead={<>Hello{merchant.name ? `, ${merchant.name}` : ""}. Here is your shop at a glance.</>}
        actions={
          <>
            <Link href="/admin/sales/new" className="btn">
              Schedule a sale
            </Link>
            <Link href="/admin/products/new" className="btn btn-secondary">
              New product
            </Link>
          </>
        }
      />

      <dl className="admin-stats">
        {stats.map(([label, value]) => (
          <div key={label} className="stat">
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>

      {groups.map(([key, title, list, empty]) => (
        <section key={key} aria-labelledby={`sales-${key}`} className="admin-section">
          <div className="section-title">
            <h2 id={`sales-${key}`}>{title}</h2>
            {key === "ended" && (
              <Link href="/admin/sales" className="muted">
                All sales →
              </Link>
            )}
          </div>
          {list.length === 0 ? (
            <p className="admin-empty">{empty}</p>
          ) : (
            <SalesTable sales={list} caption={title} />
          )}
        </section>
      ))}

      <section aria-labelledby="quick-links" className="admin-section">
        <div className="section-title">
          <h2 id="quick-links">Quick links</h2>
        </div>
        <ul className="quick-links">
          <li>
            <Link href="/admin/products">
              <strong>Products</strong>
              <span className="muted">
                {counts.activeProducts} active · {counts.archivedProducts} archived
              </span>
            </Link>
          </li>
          <li>
            <Link href="/admin/sales">
              <strong>Sales</strong>
              <span className="muted">Schedules, monitors and orders</span>
            </Link>
          </li>
          <li>
            <Link href="/admin/products/new">
              <strong>New product</strong>
              <span className="muted">Name, price and an image</span>
            </Link>
          </li>
          <li>
            <Link href="/">
              <strong>Storefront</strong>
              <span className="muted">See what shoppers see</span>
            </Link>
          </li>
        </ul>
      </section>
    </>
  );
}
