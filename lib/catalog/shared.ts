import "server-only";
import { createCatalogReads, type CatalogReads } from "./reads";
import { processSingleton } from "@/lib/singleton";

/**
 * The process-wide catalog reads: the admin actions' invalidations and the storefront's reads
 * must share one `pending` map and one in-process single-flight.
 */
export const catalogReads = (): CatalogReads =>
  processSingleton("catalogReads", createCatalogReads);

/**
 * Invalidates the shared (Redis) catalog cache for revalidated Next.js cache tags
 * (lib/cache/tags.ts). Call it with the same tags, before `revalidateTag`/`updateTag`, and await
 * it where you can: the page regenerated next then reads PostgreSQL, not the old cached value.
 */
export const invalidateCatalog = (tagList: readonly string[]): Promise<void> =>
  catalogReads().invalidate(tagList);
