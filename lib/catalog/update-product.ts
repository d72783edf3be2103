import "server-only";
import { revalidateTag } from "next/cache";
import { z } from "zod";
import { getProductById, updateProductRow } from "@/db/queries";
import type { Product } from "@/db/schema";
import { productChangeTags } from "@/lib/admin/tags";
import { isPlainText, plainTextMessage } from "@/lib/validation/text";
import { invalidateCatalog } from "./shared";

/**
 * The data layer's product update: writes PostgreSQL, then revalidates exactly the storefront
 * tags the change affects. `revalidateTag(tag, "max")` is stale-while-revalidate: the next
 * request still gets the cached page and refreshes it, the one after shows the change. The
 * shared Redis cache under the pages is invalidated first, so that refresh reads PostgreSQL.
 */

export const productPatchSchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, "Enter a name")
      .max(120, "Keep the name to 120 characters or fewer")
      .refine((v) => isPlainText(v, "line"), plainTextMessage("name")),
    description: z
      .string()
      .trim()
      .min(1, "Enter a description")
      .max(2000, "Keep the description to 2,000 characters or fewer")
      .refine((v) => isPlainText(v, "text"), plainTextMessage("description")),
    priceCents: z
      .number()
      .int("Use whole cents")
      .min(1, "The price must be above zero")
      .max(99_999_999, "The price must stay below 1,000,000.00"),
  })
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, "Send at least one of name, description, priceCents");

export type ProductPatch = z.infer<typeof productPatchSchema>;

export async function updateProduct(id: string, patch: ProductPatch): Promise<Product | undefined> {
  const before = await getProductById(id);
  if (!before) return undefined;
  const after = await updateProductRow(id, patch);
  if (!after) return undefined;
  const changed = productChangeTags(before, after, { onStorefrontSales: true });
  await invalidateCatalog(changed);
  for (const tag of changed) revalidateTag(tag, "max");
  return after;
}
