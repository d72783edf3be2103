import Link from "next/link";
import type { AdminSale } from "@/db/admin-queries";
import { AdminTable, ProductCell } from "./admin-table";
import { LocalTime } from "./local-time";
import { SalePhaseBadge, type AdminPhase } from "./sale-phase-badge";

export type SaleRow = AdminSale & { phase: AdminPhase };

/** Sales with their phase, schedule, stock and orders, and links to monitor, orders and edit. */
export function SalesTable({ sales, caption }: { sales: SaleRow[]; caption: string }) {
  return (
    <AdminTable
      caption={caption}
      cards
      columns={[
        "Product",
        "Status",
        "Starts",
        "Ends",
        { label: "Stock", num: true },
        { label: "Orders", num: true },
        { label: "Actions", hidden: true },
      ]}
    >
      {sales.map((s) => (
        <tr key={s.id}>
          <ProductCell
            href={`/admin/sales/${s.id}`}
            imageUrl={s.product.imageUrl}
            name={s.product.name}
            size={36}
          />
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
                <Link href={`/admin/sales/${s.id}/edit`} className="btn btn-secondary btn-small">
                  Edit
                </Link>
              )}
              <Link href={`/admin/sales/${s.id}/orders`} className="btn btn-secondary btn-small">
                Orders
              </Link>
            </div>
          </td>
        </tr>
      ))}
    </AdminTable>
  );
}
