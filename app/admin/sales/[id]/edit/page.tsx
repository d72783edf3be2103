import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AdminHead, saleTrail } from "@/components/admin/admin-head";
import { phaseOf } from "@/components/admin/sale-phase-badge";
import { SaleForm } from "@/components/admin/sale-form";
import { getSaleForAdmin, listProductOptions } from "@/db/admin-queries";
import { saleView } from "@/lib/catalog/views";
import { env } from "@/lib/env";
import { merchantForPage } from "../../../guard";
import { updateSale } from "../../actions";

export const metadata: Metadata = { title: "Edit sale" };

type Props = { params: Promise<{ id: string }> };

export default async function EditSalePage({ params }: Props) {
  const { id } = await params;
  if (!(await merchantForPage(`/admin/sales/${id}/edit`))) return null;
  const [sale, options] = await Promise.all([getSaleForAdmin(id), listProductOptions()]);
  if (!sale) notFound();
  const phase = phaseOf(sale);
  const products = options.filter((p) => p.status === "active" || p.id === sale.productId);
  return (
    <>
      <AdminHead trail={saleTrail(sale)} here="Edit" title="Edit sale" />
      {phase === "upcoming" ? (
        <section className="panel admin-form-panel">
          <SaleForm
            action={updateSale}
            products={products}
            minHoldSeconds={env().MIN_HOLD_SECONDS}
            sale={saleView(sale)}
          />
        </section>
      ) : (
        <p className="notice" role="status">
          {phase === "cancelled"
            ? "This sale was cancelled; it can no longer change."
            : phase === "ended"
              ? "This sale has ended, so it can no longer change. Its report is on its page."
              : `This sale has started, so its schedule, stock and limits can no longer change. You can still ${sale.status === "paused" ? "resume" : "pause"} or cancel it on its page.`}{" "}
          <Link href={`/admin/sales/${sale.id}`}>
            {phase === "ended" ? "See the report" : "Back to the sale"}
          </Link>
        </p>
      )}
    </>
  );
}
