import type { Metadata } from "next";
import { AdminHead } from "@/components/admin/admin-head";
import { ProductForm } from "@/components/admin/product-form";
import { merchantForPage } from "../../guard";
import { createProduct } from "../actions";

export const metadata: Metadata = { title: "New product" };

export default async function NewProductPage() {
  if (!(await merchantForPage("/admin/products/new"))) return null;
  return (
    <>
      <AdminHead
        trail={[{ href: "/admin/products", label: "Products" }]}
        here="New"
        title="New product"
      />
      <section className="panel admin-form-panel">
        <ProductForm action={createProduct} />
      </section>
    </>
  );
}
