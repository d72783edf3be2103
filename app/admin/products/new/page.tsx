import type { Metadata } from "next";
import Link from "next/link";
import { ProductForm } from "@/components/admin/product-form";
import { merchantForPage } from "../../guard";
import { createProduct } from "../actions";

export const metadata: Metadata = { title: "New product" };

export default async function NewProductPage() {
  if (!(await merchantForPage("/admin/products/new"))) return null;
  return (
    <>
      <header className="admin-head">
        <div>
          <nav className="breadcrumbs" aria-label="Breadcrumb">
            <Link href="/admin/products">Products</Link> / <span aria-current="page">New</span>
          </nav>
          <h1>New product</h1>
        </div>
      </header>
      <section className="panel admin-form-panel">
        <ProductForm action={createProduct} />
      </section>
    </>
  );
}
