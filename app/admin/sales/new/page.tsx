import type { Metadata } from "next";
import { AdminHead } from "@/components/admin/admin-head";
import { SaleForm } from "@/components/admin/sale-form";
import { listProductOptions } from "@/db/admin-queries";
import { env } from "@/lib/env";
import { merchantForPage } from "../../guard";
import { createSale } from "../actions";

export const metadata: Metadata = { title: "Schedule a sale" };

type Props = { searchParams: Promise<{ product?: string }> };

export default async function NewSalePage({ searchParams }: Props) {
  if (!(await merchantForPage("/admin/sales/new"))) return null;
  const [options, { product }] = await Promise.all([listProductOptions(), searchParams]);
  const active = options.filter((p) => p.status === "active");
  return (
    <>
      <AdminHead
        trail={[{ href: "/admin/sales", label: "Sales" }]}
        here="New"
        title="Schedule a sale"
        lead={
          <>
            The sale&rsquo;s gate is armed as soon as you save; shoppers can buy from the start
            time.
          </>
        }
      />
      <section className="panel admin-form-panel">
        <SaleForm
          action={createSale}
          products={active}
          productId={typeof product === "string" ? product : undefined}
          minHoldSeconds={env().MIN_HOLD_SECONDS}
        />
      </section>
    </>
  );
}
