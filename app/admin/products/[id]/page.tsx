import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AdminHead } from "@/components/admin/admin-head";
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
      <AdminHead
        trail={[{ href: "/admin/products", label: "Products" }]}
        here={product.name}
        title="Edit product"
        actions={
          product.status === "active" ? (
            <Link href={`/products/${product.slug}`} className="btn btn-secondary">
              View in shop
            </Link>
          ) : (
            <span className="badge badge-ended">Archived</span>
          )
        }
      />
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
