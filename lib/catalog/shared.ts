import "server-only";
import { createCatalogReads, type CatalogReads } from "./reads";

/**
 * The process-wide catalog reads. Kept on globalThis because Next.js may load this module once
 * per server bundle: the admin actions' invalidations and the storefront's reads must share one
 * `pending` map and one in-process single-flight.
 */

const g = globalThis as unknown as { __stampedeCatalogReads?: CatalogReads };

export const catalogReads = (): CatalogReads => (g.__stampedeCatalogReads ??= createCatalogReads());

/**
 * Invalidates the shared (Redis) catalog cache for revalidated Next.js cache tags
 * (lib/cache/tags.ts). Call it with the same tags, before `revalidateTag`/`updateTag`, and await
 * it where you can: the page regenerated next then reads PostgreSQL, not the old cached value.
 */
export const invalidateCatalog = (tagList: readonly string[]): Promise<void> =>
  catalogReads().invalidate(tagList);
