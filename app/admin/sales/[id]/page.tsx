import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ActionButton } from "@/components/admin/action-button";
import { AdminHead } from "@/components/admin/admin-head";
import { LocalTime } from "@/components/admin/local-time";
import { LivePhaseBadge } from "@/components/admin/live-phase-badge";
import { phaseOf } from "@/components/admin/sale-phase-badge";
import { SaleMonitor } from "@/components/admin/sale-monitor";
import { getSaleForAdmin } from "@/db/admin-queries";
import { formatPrice } from "@/lib/catalog/views";
import { merchantForPage } from "../../guard";
import { cancelSale, pauseSale, resumeSale } from "../actions";

export const metadata: Metadata = { title: "Sale" };

type Props = { params: Promise<{ id: string }>; searchParams: Promise<{ saved?: string }> };

export default async function SalePage({ params, searchParams }: Props) {
  const { id } = await params;
  if (!(await merchantForPage(`/admin/sales/${id}`))) return null;
  const [sale, { saved }] = await Promise.all([getSaleForAdmin(id), searchParams]);
  if (!sale) notFound();
  const phase = phaseOf(sale);
  const open = phase !== "ended" && phase !== "cancelled";

  return (
    <>
      <AdminHead
        trail={[{ href: "/admin/sales", label: "Sales" }]}
        here={sale.product.name}
        titleClassName="title-with-badge"
        title={
          <>
            {sale.product.name}{" "}
            <LivePhaseBadge
              key={sale.status}
              saleId={sale.id}
              initial={phase}
              startsAt={sale.startsAt.toISOString()}
              endsAt={sale.endsAt.toISOString()}
              status={sale.status}
            />
          </>
        }
        leadClassName="muted sale-facts"
        lead={
          <>
            <LocalTime iso={sale.startsAt.toISOString()} /> →{" "}
            <LocalTime iso={sale.endsAt.toISOString()} /> · {sale.stock.toLocaleString("en-US")}{" "}
            units at {formatPrice(sale.product.priceCents)} · {sale.perShopperLimit} per shopper ·{" "}
            {sale.holdSeconds} s hold
          </>
        }
        actions={
          <>
            {phase === "upcoming" && (
              <Link href={`/admin/sales/${sale.id}/edit`} className="btn btn-secondary btn-small">
                Edit
              </Link>
            )}
            {open && sale.status === "scheduled" && (
              <ActionButton action={pauseSale} id={sale.id} label="Pause" pendingText="Pausing…" />
            )}
            {open && sale.status === "paused" && (
              <ActionButton
                action={resumeSale}
                id={sale.id}
                label="Resume"
                pendingText="Resuming…"
                className="btn btn-small"
              />
            )}
            {open && (
              <ActionButton
                action={cancelSale}
                id={sale.id}
                label="Cancel sale"
                pendingText="Cancelling…"
                className="btn btn-danger btn-small"
                confirm="Cancel this sale? Shoppers can no longer buy, and it cannot be undone."
              />
            )}
            <Link href={`/admin/sales/${sale.id}/orders`} className="btn btn-secondary btn-small">
              Orders
            </Link>
          </>
        }
      />
      {saved && (
        <p className="notice" role="status">
          Saved and armed. The storefront shows the new schedule now.
        </p>
      )}
      <SaleMonitor saleId={sale.id} />
    </>
  );
}
