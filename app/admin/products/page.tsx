import type { Metadata } from "next";
import Link from "next/link";
import { ActionButton } from "@/components/admin/action-button";
import { AdminHead } from "@/components/admin/admin-head";
import { AdminTable, ProductCell } from "@/components/admin/admin-table";
import { listProductsForAdmin } from "@/db/admin-queries";
import { formatPrice } from "@/lib/catalog/views";
import { merchantForPage } from "../guard";
import { archiveProduct, restoreProduct } from "./actions";

export const metadata: Metadata = { title: "Products" };

type Props = { searchParams: Promise<{ saved?: string }> };

export default async function ProductsPage({ searchParams }: Props) {
  if (!(await merchantForPage("/admin/products"))) return null;
  const [products, { saved }] = await Promise.all([listProductsForAdmin(), searchParams]);

  return (
    <>
      <AdminHead
        title="Products"
        lead={
          <>
            {products.filter((p) => p.status === "active").length} in the shop ·{" "}
            {products.filter((p) => p.status === "archived").length} archived
          </>
        }
        actions={
          <Link href="/admin/products/new" className="btn">
            New product
          </Link>
        }
      />
      {typeof saved === "string" && saved && (
        <p className="notice" role="status">
          Saved. The shop shows <Link href={`/products/${saved}`}>/products/{saved}</Link> now.
        </p>
      )}
      <AdminTable
        caption="Products"
        cards
        columns={[
          "Product",
          "Slug",
          { label: "Price", num: true },
          "Status",
          { label: "Actions", hidden: true },
        ]}
      >
        {products.map((p) => (
          <tr key={p.id} className={p.status === "archived" ? "row-muted" : undefined}>
            <ProductCell
              href={`/admin/products/${p.id}`}
              imageUrl={p.imageUrl}
              name={p.name}
              size={40}
            />
            <td className="mono cell-wide" data-label="Slug">
              {p.slug}
            </td>
            <td className="num" data-label="Price">
              {formatPrice(p.priceCents)}
            </td>
            <td data-label="Status">
              {p.status === "active" ? (
                <span className="badge badge-ok">Active</span>
              ) : (
                <span className="badge badge-ended">Archived</span>
              )}
            </td>
            <td className="cell-wide">
              <div className="row-actions">
                <Link href={`/admin/products/${p.id}`} className="btn btn-secondary btn-small">
                  Edit
                </Link>
                {p.status === "active" ? (
                  <>
                    <Link
                      href={`/admin/sales/new?product=${p.id}`}
                      className="btn btn-secondary btn-small"
                    >
                      Schedule sale
                    </Link>
                    <ActionButton
                      action={archiveProduct}
                      id={p.id}
                      label="Archive"
                      pendingText="Archiving…"
                    />
                  </>
                ) : (
                  <ActionButton
                    action={restoreProduct}
                    id={p.id}
                    label="Restore"
                    pendingText="Restoring…"
                  />
                )}
              </div>
            </td>
          </tr>
        ))}
      </AdminTable>
    </>
  );
}
