import "server-only";
import { unstable_cache } from "next/cache";
import { tags } from "@/lib/cache/tags";
import { catalogReads } from "./shared";

/**
 * Storefront reads, two caches deep. Outside: the Next.js data cache, per instance, tagged so
 * merchant edits revalidate exactly what they change, refreshed in the background once
 * `revalidate` seconds have passed. Inside (./reads.ts): the read-through cache in Redis, shared
 * by every instance, which loads from PostgreSQL through the breaker and keeps serving the last
 * good value while PostgreSQL is down.
 */

export const CATALOG_SECONDS = 60;

export const getCatalog = unstable_cache(() => catalogReads().catalog(), ["catalog"], {
  tags: [tags.catalog],
  revalidate: CATALOG_SECONDS,
});

export const getProduct = (slug: string) =>
  unstable_cache(() => catalogReads().product(slug), ["product", slug], {
    tags: [tags.product(slug)],
    revalidate: CATALOG_SECONDS,
  })();

export const getStorefrontSales = unstable_cache(
  () => catalogReads().storefrontSales(),
  ["storefront-sales"],
  { tags: [tags.sales], revalidate: CATALOG_SECONDS },
);

export const getProductSales = (productId: string, slug: string) =>
  unstable_cache(() => catalogReads().productSales(productId), ["product-sales", productId], {
    tags: [tags.sales, tags.product(slug)],
    revalidate: CATALOG_SECONDS,
  })();

export const searchCatalog = (query: string) =>
  unstable_cache(() => catalogReads().search(query), ["search", query], {
    tags: [tags.catalog],
    revalidate: CATALOG_SECONDS,
  })();

/** One sale with its product, for checkout (a token holder's page: it must load during an outage). */
export const getSaleWithProduct = (saleId: string) =>
  unstable_cache(() => catalogReads().sale(saleId), ["sale", saleId], {
    tags: [tags.sales, tags.sale(saleId)],
    revalidate: CATALOG_SECONDS,
  })();
