import { tags } from "@/lib/cache/tags";

/**
 * Exactly the storefront cache tags a merchant's change affects (lib/cache/tags.ts). Pure: the
 * admin actions invalidate the shared catalog cache under these tags (awaited) and then expire
 * them (the products and sales actions under app/admin).
 */

/**
 * A product was created, edited, archived or restored. Its page under the old and new slug
 * (a slug that 404'd may now exist), the catalog, and — when one of its sales is on the
 * storefront — the sale list, which shows the product's name, image and price.
 */
export function productChangeTags(
  before: { slug: string } | null,
  after: { slug: string },
  opts: { onStorefrontSales: boolean },
): string[] {
  const out = new Set<string>([tags.catalog, tags.product(after.slug)]);
  if (before && before.slug !== after.slug) out.add(tags.product(before.slug));
  if (opts.onStorefrontSales) out.add(tags.sales);
  return [...out];
}

/** A sale was scheduled, edited, paused, resumed or cancelled. */
export const saleChangeTags = (saleId: string): string[] => [tags.sales, tags.sale(saleId)];
