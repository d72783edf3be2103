import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ProductForm } from "@/components/admin/product-form";
import { getProductForAdmin } from "@/db/admin-queries";
import { centsToInput } from "@/lib/admin/product";
import { merchantForPage } from "../../guard";
import { updateProduct } from "../actions";

export const metadata: Metadata = { title: "Edit product" };

type Props = { params: Promise<{ id: string }> };

export default async function EditProductPage({ params }: Props) {
  const { id } = await params;
  if (!(await merchantForPage(`/admin/products/${id}`))) return null;
  const product = await getProductForAdmin(id);
  if (!product) notFound();
  return (
    <>
      <header className="admin-head">
        <div>
          <nav className="breadcrumbs" aria-label="Breadcrumb">
            <Link href="/admin/products">Products</Link> /{" "}
            <span aria-current="page">{product.name}</span>
          </nav>
          <h1>Edit product</h1>
        </div>
        <div className="admin-actions">
          {product.status === "active" ? (
            <Link href={`/products/${product.slug}`} className="btn btn-secondary">
              View in shop
            </Link>
          ) : (
            <span className="badge badge-ended">Archived</span>
          )}
        </div>
      </header>
      <section className="panel admin-form-panel">
        <ProductForm
          action={updateProduct}
          product={{
            id: product.id,
            name: product.name,
            slug: product.slug,
            description: product.description,
            price: centsToInput(product.priceCents),
            imageUrl: product.imageUrl,
          }}
        />
      </section>
    </>
  );
}
