"use server";

import { updateTag } from "next/cache";
import { invalidateCatalog } from "@/lib/catalog/shared";
import { redirect } from "next/navigation";
import * as q from "@/db/admin-queries";
import { formValues, refused, type FormState } from "@/lib/admin/form-state";
import { validateProduct } from "@/lib/admin/product";
import { productChangeTags } from "@/lib/admin/tags";
import { requireMerchant } from "@/lib/auth/guards";
import { log } from "@/lib/log";

/**
 * Product actions. Every one checks the merchant first (a shopper or a signed-out caller gets
 * a typed refusal and nothing is read or written), then validates, writes, and expires exactly
 * the storefront tags the change affects (updateTag: the next storefront request is fresh).
 */

const FIELDS = ["id", "name", "slug", "description", "price", "imageId"] as const;
const SLUG_TAKEN = "That slug is already used by another product";
const SAVE_FAILED = "We couldn't save the product. Try again in a moment.";

/** The shared (Redis) catalog cache first, awaited, then the Next.js tags: the next render is fresh. */
const expire = async (list: string[]) => {
  await invalidateCatalog(list);
  list.forEach((t) => updateTag(t));
};

export async function createProduct(_prev: FormState, form: FormData): Promise<FormState> {
  const g = await requireMerchant();
  if (!g.ok) return refused(g);
  const values = formValues(form, FIELDS);
  const checked = validateProduct(values, { requireImage: true });
  if (!checked.ok) return { status: "invalid", fieldErrors: checked.fieldErrors, values };
  const { imageId, ...input } = checked.data;
  if (!imageId || !(await q.imageExists(imageId)))
    return { status: "invalid", fieldErrors: { imageId: "Upload the image again" }, values };
  if (await q.slugTaken(input.slug))
    return { status: "invalid", fieldErrors: { slug: SLUG_TAKEN }, values };

  let created;
  try {
    created = await q.insertProduct({ ...input, imageUrl: q.imageUrl(imageId) });
  } catch (error) {
    log.error({ err: error }, "admin: create product failed");
    return { status: "failed", message: SAVE_FAILED, values };
  }
  if (created === "slug_taken")
    return { status: "invalid", fieldErrors: { slug: SLUG_TAKEN }, values };
  await expire(productChangeTags(null, created, { onStorefrontSales: false }));
  redirect(`/admin/products?saved=${encodeURIComponent(created.slug)}`);
}

export async function updateProduct(_prev: FormState, form: FormData): Promise<FormState> {
  const g = await requireMerchant();
  if (!g.ok) return refused(g);
  const values = formValues(form, FIELDS);
  const before = await q.getProductForAdmin(values.id ?? "");
  if (!before) return { status: "failed", message: "That product no longer exists.", values };
  const checked = validateProduct(values, { requireImage: false });
  if (!checked.ok) return { status: "invalid", fieldErrors: checked.fieldErrors, values };
  const { imageId, ...input } = checked.data;
  if (imageId && !(await q.imageExists(imageId)))
    return { status: "invalid", fieldErrors: { imageId: "Upload the image again" }, values };
  if (await q.slugTaken(input.slug, before.id))
    return { status: "invalid", fieldErrors: { slug: SLUG_TAKEN }, values };

  let after;
  try {
    after = await q.updateProduct(before.id, {
      ...input,
      ...(imageId ? { imageUrl: q.imageUrl(imageId) } : {}),
    });
  } catch (error) {
    log.error({ err: error, productId: before.id }, "admin: update product failed");
    return { status: "failed", message: SAVE_FAILED, values };
  }
  if (after === "slug_taken")
    return { status: "invalid", fieldErrors: { slug: SLUG_TAKEN }, values };
  if (!after) return { status: "failed", message: "That product no longer exists.", values };
  await expire(
    productChangeTags(before, after, { onStorefrontSales: await q.productHasOpenSale(after.id) }),
  );
  redirect(`/admin/products?saved=${encodeURIComponent(after.slug)}`);
}

async function setArchived(form: FormData, archived: boolean): Promise<FormState> {
  const id = String(form.get("id") ?? "");
  const product = await q.getProductForAdmin(id);
  if (!product) return { status: "failed", message: "That product no longer exists.", values: {} };
  // An archived product must not be the subject of a drop shoppers can still see.
  if (archived && (await q.productHasOpenSale(product.id)))
    return {
      status: "failed",
      message: `${product.name} has a sale that is live or coming up. Cancel it first.`,
      values: {},
    };
  const after = await q.updateProduct(product.id, { status: archived ? "archived" : "active" });
  if (!after || after === "slug_taken")
    return { status: "failed", message: SAVE_FAILED, values: {} };
  await expire(productChangeTags(product, after, { onStorefrontSales: false }));
  return {
    status: "done",
    message: archived ? `${product.name} is archived.` : `${product.name} is back in the shop.`,
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
