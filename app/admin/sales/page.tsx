import type { Metadata } from "next";
import Link from "next/link";
import { AdminHead } from "@/components/admin/admin-head";
import { withPhases } from "@/components/admin/sale-phase-badge";
import { SalesTable } from "@/components/admin/sales-table";
import { listSalesForAdmin } from "@/db/admin-queries";
import { merchantForPage } from "../guard";

export const metadata: Metadata = { title: "Sales" };

export default async function SalesPage() {
  if (!(await merchantForPage("/admin/sales"))) return null;
  const sales = withPhases(await listSalesForAdmin());
  return (
    <>
      <AdminHead
        title="Sales"
        lead="Every drop, newest start first."
        actions={
          <Link href="/admin/sales/new" className="btn">
            Schedule a sale
          </Link>
        }
      />
      {sales.length === 0 ? (
        <p className="admin-empty">No sales yet.</p>
      ) : (
        <SalesTable sales={sales} caption="All sales" />
      )}
    </>
  );
}
