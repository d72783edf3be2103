import type { Metadata } from "next";
import Link from "next/link";
import { ActionButton } from "@/components/admin/action-button";
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
      <header className="admin-head">
        <div>
          <h1>Products</h1>
          <p className="muted">
            {products.filter((p) => p.status === "active").length} in the shop ·{" "}
            {products.filter((p) => p.status === "archived").length} archived
          </p>
        </div>
        <div className="admin-actions">
          <Link href="/admin/products/new" className="btn">
            New product
          </Link>
        </div>
      </header>
      {typeof saved === "string" && saved && (
        <p className="notice" role="status">
          Saved. The shop shows <Link href={`/products/${saved}`}>/products/{saved}</Link> now.
        </p>
      )}
      <div className="table-wrap">
        <table className="admin-table admin-cards">
          <caption className="sr-only">Products</caption>
          <thead>
            <tr>
              <th scope="col">Product</th>
              <th scope="col">Slug</th>
              <th scope="col" className="num">
                Price
              </th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {products.map((p) => (
              <tr key={p.id} className={p.status === "archived" ? "row-muted" : undefined}>
                <td className="cell-wide">
                  <Link href={`/admin/products/${p.id}`} className="cell-product">
                    {/* eslint-disable-next-line @next/next/no-img-element -- shipped SVGs and uploads */}
                    <img src={p.imageUrl} alt="" width={40} height={40} />
                    <span>{p.name}</span>
                  </Link>
                </td>
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
          </tbody>
        </table>
      </div>
    </>
  );
}
