import type { Metadata } from "next";
import Link from "next/link";
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
      <header className="admin-head">
        <div>
          <nav className="breadcrumbs" aria-label="Breadcrumb">
            <Link href="/admin/sales">Sales</Link> / <span aria-current="page">New</span>
          </nav>
          <h1>Schedule a sale</h1>
          <p className="muted">
            The sale&rsquo;s gate is armed as soon as you save; shoppers can buy from the start
            time.
          </p>
        </div>
      </header>
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
