"use server";

import { updateTag } from "next/cache";
import { redirect } from "next/navigation";
import { formValues, refused, type FormState, type FormValues } from "@/lib/admin/form-state";
import { validateProduct } from "@/lib/admin/product";
import * as products from "@/lib/admin/product-service";
import { requireMerchant } from "@/lib/auth/guards";

/**
 * Product actions. Every one checks the merchant first (a shopper or a signed-out caller gets
 * a typed refusal and nothing is read or written), then validates and saves through the product
 * service, which expires exactly the storefront tags the change affects (updateTag: the next
 * storefront request is fresh).
 */

const FIELDS = ["id", "name", "slug", "description", "price", "imageId"] as const;
const SAVE_FAILED = "We couldn't save the product. Try again in a moment.";
const GONE = "That product no longer exists.";

/** The service's answer as the form shows it; a save goes back to the list. */
function shown(saved: products.ProductSaved, values: FormValues): FormState {
  switch (saved.status) {
    case "saved":
      return redirect(`/admin/products?saved=${encodeURIComponent(saved.product.slug)}`);
    case "invalid":
      return { status: "invalid", fieldErrors: saved.fieldErrors, values };
    case "refused":
      return { status: "failed", message: saved.message, values };
    case "not_found":
      return { status: "failed", message: GONE, values };
    case "failed":
      return { status: "failed", message: SAVE_FAILED, values };
  }
}

export async function createProduct(_prev: FormState, form: FormData): Promise<FormState> {
  const g = await requireMerchant();
  if (!g.ok) return refused(g);
  const values = formValues(form, FIELDS);
  const checked = validateProduct(values, { requireImage: true });
  if (!checked.ok) return { status: "invalid", fieldErrors: checked.fieldErrors, values };
  return shown(await products.createProduct(checked.data, updateTag), values);
}

export async function updateProduct(_prev: FormState, form: FormData): Promise<FormState> {
  const g = await requireMerchant();
  if (!g.ok) return refused(g);
  const values = formValues(form, FIELDS);
  const checked = validateProduct(values, { requireImage: false });
  if (!checked.ok) return { status: "invalid", fieldErrors: checked.fieldErrors, values };
  return shown(await products.updateProduct(values.id ?? "", checked.data, updateTag), values);
}

async function setArchived(form: FormData, archived: boolean): Promise<FormState> {
  const saved = await products.setProductArchived(
    String(form.get("id") ?? ""),
    archived,
    updateTag,
  );
  if (saved.status !== "saved") return shown(saved, {});
  const { name } = saved.product;
  return {
    status: "done",
    message: archived ? `${name} is archived.` : `${name} is back in the shop.`,
  };
}

export async function archiveProduct(_prev: FormState, form: FormData): Promise<FormState> {
  const g = await requireMerchant();
  if (!g.ok) return refused(g);
  return setArchived(form, true);
}

export async function restoreProduct(_prev: FormState, form: FormData): Promise<FormState> {
  const g = await requireMerchant();
  if (!g.ok) return refused(g);
  return setArchived(form, false);
}
