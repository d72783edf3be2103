import "server-only";
import * as q from "@/db/admin-queries";
import type { Product } from "@/db/schema";
import { invalidateCatalog } from "@/lib/catalog/shared";
import { log } from "@/lib/log";
import type { FieldErrors } from "./form-state";
import type { ProductInput, ProductPatch } from "./product";
import { productChangeTags } from "./tags";

/**
 * Every write of a product — the merchant form's actions and the JSON PATCH route — goes through
 * here, so both follow the same rules: a slug is unique, an image is one that was uploaded, and
 * exactly the storefront tags the change affects are expired. Input arrives already checked
 * against ./product.ts's schema; callers check the merchant and pass how they expire a tag
 * (`updateTag` in a server action, `revalidateTag` in a route handler).
 */

export type ExpireTag = (tag: string) => void;

export type ProductSaved =
  | { status: "saved"; product: Product }
  | { status: "invalid"; fieldErrors: FieldErrors }
  | { status: "refused"; message: string }
  | { status: "not_found" }
  | { status: "failed" };

export const SLUG_TAKEN = "That slug is already used by another product";
const IMAGE_GONE = "Upload the image again";

/** The shared (Redis) catalog cache first, awaited, then the Next.js tags: the next render is fresh. */
async function expire(list: string[], expireTag: ExpireTag): Promise<void> {
  await invalidateCatalog(list);
  for (const tag of list) expireTag(tag);
}

/** Database failures are logged here and answered as "failed": the caller shows a safe message. */
async function guarded(
  what: string,
  productId: string | null,
  run: () => Promise<ProductSaved>,
): Promise<ProductSaved> {
  try {
    return await run();
  } catch (error) {
    log.error({ err: error, productId }, `admin: ${what} product failed`);
    return { status: "failed" };
  }
}

export function createProduct(input: ProductInput, expireTag: ExpireTag): Promise<ProductSaved> {
  return guarded("create", null, async () => {
    const { imageId, ...values } = input;
    if (!imageId || !(await q.imageExists(imageId)))
      return { status: "invalid", fieldErrors: { imageId: IMAGE_GONE } };
    if (await q.slugTaken(values.slug))
      return { status: "invalid", fieldErrors: { slug: SLUG_TAKEN } };
    const created = await q.insertProduct({ ...values, imageUrl: q.imageUrl(imageId) });
    if (created === "slug_taken") return { status: "invalid", fieldErrors: { slug: SLUG_TAKEN } };
    await expire(productChangeTags(null, created, { onStorefrontSales: false }), expireTag);
    return { status: "saved", product: created };
  });
}

/** Changes the fields given; the rest stay as they are. */
export function updateProduct(
  id: string,
  patch: ProductPatch,
  expireTag: ExpireTag,
): Promise<ProductSaved> {
  return guarded("update", id, async () => {
    const before = await q.getProductForAdmin(id);
    if (!before) return { status: "not_found" };
    const { imageId, ...values } = patch;
    if (imageId && !(await q.imageExists(imageId)))
      return { status: "invalid", fieldErrors: { imageId: IMAGE_GONE } };
    if (values.slug !== undefined && (await q.slugTaken(values.slug, before.id)))
      return { status: "invalid", fieldErrors: { slug: SLUG_TAKEN } };
    const after = await q.updateProduct(before.id, {
      ...values,
      ...(imageId ? { imageUrl: q.imageUrl(imageId) } : {}),
    });
    if (after === "slug_taken") return { status: "invalid", fieldErrors: { slug: SLUG_TAKEN } };
    if (!after) return { status: "not_found" };
    const onStorefrontSales = await q.productHasOpenSale(after.id);
    await expire(productChangeTags(before, after, { onStorefrontSales }), expireTag);
    return { status: "saved", product: after };
  });
}

/** Takes a product out of the shop, or puts it back. */
export function setProductArchived(
  id: string,
  archived: boolean,
  expireTag: ExpireTag,
): Promise<ProductSaved> {
  return guarded(archived ? "archive" : "restore", id, async () => {
    const product = await q.getProductForAdmin(id);
    if (!product) return { status: "not_found" };
    // An archived product must not be the subject of a drop shoppers can still see.
    if (archived && (await q.productHasOpenSale(product.id)))
      return {
        status: "refused",
        message: `${product.name} has a sale that is live or coming up. Cancel it first.`,
      };
    const after = await q.updateProduct(product.id, { status: archived ? "archived" : "active" });
    if (!after || after === "slug_taken") return { status: "failed" };
    await expire(productChangeTags(product, after, { onStorefrontSales: false }), expireTag);
    return { status: "saved", product: after };
  });
}
