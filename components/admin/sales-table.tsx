import Link from "next/link";
import type { AdminSale } from "@/db/admin-queries";
import { LocalTime } from "./local-time";
import { SalePhaseBadge, type AdminPhase } from "./sale-phase-badge";

export type SaleRow = AdminSale & { phase: AdminPhase };

/** Sales with their phase, schedule, stock and orders, and links to monitor, orders and edit. */
export function SalesTable({ sales, caption }: { sales: SaleRow[]; caption: string }) {
  return (
    <div className="table-wrap">
      <table className="admin-table admin-cards">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Product</th>
            <th scope="col">Status</th>
            <th scope="col">Starts</th>
            <th scope="col">Ends</th>
            <th scope="col" className="num">
              Stock
            </th>
            <th scope="col" className="num">
              Orders
            </th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {sales.map((s) => (
            <tr key={s.id}>
              <td className="cell-wide">
                <Link href={`/admin/sales/${s.id}`} className="cell-product">
                  {/* eslint-disable-next-line @next/next/no-img-element -- shipped SVGs and uploads */}
                  <img src={s.product.imageUrl} alt="" width={36} height={36} />
                  <span>{s.product.name}</span>
                </Link>
              </td>
              <td data-label="Status">
                <SalePhaseBadge phase={s.phase} />
              </td>
              <td data-label="Starts">
                <LocalTime iso={s.startsAt.toISOString()} compact />
              </td>
              <td data-label="Ends">
                <LocalTime iso={s.endsAt.toISOString()} compact />
              </td>
              <td className="num" data-label="Stock">
                {s.stock.toLocaleString("en-US")}
              </td>
              <td className="num" data-label="Orders">
                {s.orders.toLocaleString("en-US")}
              </td>
              <td className="cell-wide">
                <div className="row-actions">
                  {(s.phase === "live" || s.phase === "paused" || s.phase === "sold_out") && (
                    <Link href={`/admin/sales/${s.id}`} className="btn btn-small">
                      Monitor
                    </Link>
                  )}
                  {s.phase === "ended" && (
                    <Link href={`/admin/sales/${s.id}`} className="btn btn-secondary btn-small">
                      Report
                    </Link>
                  )}
                  {s.phase === "upcoming" && (
                    <Link
                      href={`/admin/sales/${s.id}/edit`}
                      className="btn btn-secondary btn-small"
                    >
                      Edit
                    </Link>
                  )}
                  <Link
                    href={`/admin/sales/${s.id}/orders`}
                    className="btn btn-secondary btn-small"
                  >
                    Orders
                  </Link>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
