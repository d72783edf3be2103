import "server-only";
import * as q from "@/db/queries";
import { createCache, type Cache } from "@/lib/cache/read-through";
import { tags } from "@/lib/cache/tags";
import { log } from "@/lib/log";
import { redis as defaultRedis, type Redis } from "@/lib/redis/client";
import { keys } from "@/lib/redis/keys";
import { withDb } from "@/lib/resilience/db-guard";
import { isUnavailable } from "@/lib/resilience/unavailable";
import { createVersions } from "./versions";
import {
  productView,
  saleView,
  storefrontSale,
  type ProductView,
  type SaleView,
  type StorefrontSale,
} from "./views";

/**
 * The storefront's PostgreSQL reads behind the shared read-through cache (lib/cache): one load
 * per key across every instance, stale-while-revalidate, and the last good value served while
 * PostgreSQL is down (`staleMs`). Loads go through `withDb` (db budget + breaker), so an outage
 * is refused fast and cannot pile up connections. Values are the JSON-safe views.
 */

export type CatalogReadsOptions = {
  /** Prefix of every cache name (tests use their own, so counters and keys do not mix). */
  namePrefix?: string;
  /** How long a value is fresh. Default 60 s (the pages' own revalidate). */
  ttlMs?: number;
  /** How long past that it may still be served: while refreshing, and through an outage. Default 24 h. */
  staleMs?: number;
  /** Search keys are open-ended (any query), so they are kept briefly. Default 60 s fresh + 60 s stale. */
  searchTtlMs?: number;
  /** Runs a PostgreSQL call; default `withDb` (the process-wide budget and breaker). */
  guard?: <T>(fn: (signal: AbortSignal) => Promise<T>) => Promise<T>;
  redis?: Redis;
};

/** Slugs the admin accepts (lib/admin/product.ts); anything else cannot exist, so skips the cache. */
const SLUG = /^[a-z0-9-]{1,80}$/;

/** "No such active product": thrown out of the loader so a miss is never stored (random slugs would fill Redis). */
class Absent extends Error {
  override readonly name = "Absent";
}

/** Which caches a tag's revalidation makes stale, by the names `pending` is keyed on. */
function targetsOf(tagList: readonly string[]): Set<string> {
  const out = new Set<string>();
  const productPrefix = tags.product("");
  const salePrefix = tags.sale("");
  for (const tag of tagList) {
    if (tag === tags.catalog) out.add("catalog").add("search");
    else if (tag === tags.sales || tag.startsWith(salePrefix))
      out.add("storefront-sales").add("product-sales").add("sale");
    else if (tag.startsWith(productPrefix)) out.add(`product:${tag.slice(productPrefix.length)}`);
  }
  return out;
}

export function createCatalogReads(o: CatalogReadsOptions = {}) {
  const prefix = o.namePrefix ?? "";
  const ttlMs = o.ttlMs ?? 60_000;
  const staleMs = o.staleMs ?? 24 * 3_600_000;
  const searchTtlMs = o.searchTtlMs ?? 60_000;
  const guard = o.guard ?? withDb;
  const redis = () => o.redis ?? defaultRedis();

  const onError = (name: string) => (error: unknown, key: string) => {
    // Refusals by an open breaker or a full budget are expected during an outage: not news.
    if (error instanceof Absent || isUnavailable(error)) return;
    log.warn({ err: error, cache: name, key }, "catalog cache: background refresh or Redis failed");
  };
  const cache = <T>(name: string, ttl = ttlMs, stale = staleMs): Cache<T> =>
    createCache<T>({
      name: prefix + name,
      ttlMs: ttl,
      staleMs: stale,
      redis: o.redis,
      onError: onError(prefix + name),
    });
  const caches = {
    catalog: cache<ProductView[]>("catalog"),
    product: cache<ProductView>("product"),
    storefrontSales: cache<StorefrontSale[]>("storefront-sales"),
    productSales: cache<SaleView[]>("product-sales"),
    sale: cache<StorefrontSale>("sale"),
    search: cache<string[]>("search", searchTtlMs, searchTtlMs),
  };
  const versions = createVersions({
    redis,
    key: () => keys.cache("versions"),
    timeoutMs: 250,
    onError: (error) => log.warn({ err: error }, "catalog cache: version counter unavailable"),
  });

  /**
   * Invalidations started in this process, by target. A read of a target waits for them, so a
   * render right after a merchant's save (which starts the invalidation without awaiting it)
   * cannot read the old value from Redis before the invalidation lands.
   */
  const pending = new Map<string, Promise<void>>();
  async function settled(target: string): Promise<void> {
    const p = pending.get(target);
    if (p) await p;
  }

  /** Reads through a family's version: when it is unknown (Redis down), straight from PostgreSQL. */
  async function versioned<T>(c: Cache<T>, family: string, id: string, load: () => Promise<T>) {
    const v = await versions.get(prefix + family);
    return v === null ? load() : c.get(`${v}:${id}`, load);
  }

  const catalog = async (): Promise<ProductView[]> => {
    await settled("catalog");
    return caches.catalog.get("all", async () =>
      (await guard(() => q.listActiveProducts())).map(productView),
    );
  };

  return {
    caches,
    catalog,

    async product(slug: string): Promise<ProductView | null> {
      if (!SLUG.test(slug)) return null;
      await settled(`product:${slug}`);
      try {
        return await caches.product.get(slug, async () => {
          const p = await guard(() => q.getProductBySlug(slug));
          if (!p || p.status !== "active") throw new Absent();
          return productView(p);
        });
      } catch (error) {
        if (error instanceof Absent) return null;
        throw error;
      }
    },

    async storefrontSales(): Promise<StorefrontSale[]> {
      await settled("storefront-sales");
      return caches.storefrontSales.get("current", async () =>
        (await guard(() => q.listCurrentSales())).map(storefrontSale),
      );
    },

    async productSales(productId: string): Promise<SaleView[]> {
      await settled("product-sales");
      return versioned(caches.productSales, "product-sales", productId, async () =>
        (await guard(() => q.listSalesForProduct(productId))).map(saleView),
      );
    },

    /** One sale with its product (checkout). Versioned: a product edit reaches it through `sales`. */
    async sale(saleId: string): Promise<StorefrontSale | null> {
      await settled("sale");
      try {
        return await versioned(caches.sale, "sale", saleId, async () => {
          const s = await guard(() => q.getSale(saleId));
          if (!s) throw new Absent();
          return storefrontSale(s);
        });
      } catch (error) {
        if (error instanceof Absent) return null;
        throw error;
      }
    },

    /** Ranked by PostgreSQL; only the ids are cached, the products come from the catalog. */
    async search(query: string): Promise<ProductView[]> {
      const normalized = q.toPrefixQuery(query);
      if (!normalized) return [];
      await settled("search");
      const ids = await versioned(caches.search, "search", normalized, async () =>
        (await guard(() => q.searchProducts(query))).map((p) => p.id),
      );
      const byId = new Map((await catalog()).map((p) => [p.id, p]));
      return ids.flatMap((id) => byId.get(id) ?? []);
    },

    /**
     * Makes every cached value the tags stand for unreachable (lib/cache/tags.ts). Registered
     * synchronously, so reads in this process wait for it; resolves once Redis has it (never
     * rejects: an invalidation Redis missed is logged, and the values expire within `ttlMs`).
     */
    invalidate(tagList: readonly string[]): Promise<void> {
      const targets = targetsOf(tagList);
      const families = [
        ...(targets.has("search") ? [prefix + "search"] : []),
        ...(targets.has("product-sales") ? [prefix + "product-sales", prefix + "sale"] : []),
      ];
      const job = (async () => {
        const results = await Promise.all([
          targets.has("catalog") ? caches.catalog.invalidate("all") : true,
          targets.has("storefront-sales") ? caches.storefrontSales.invalidate("current") : true,
          ...[...targets]
            .filter((t) => t.startsWith("product:"))
            .map((t) => caches.product.invalidate(t.slice("product:".length))),
          versions.bump(families),
        ]);
        if (results.includes(false))
          log.error({ tags: tagList }, "catalog cache: invalidation did not reach Redis");
      })().finally(() => {
        for (const t of targets) if (pending.get(t) === job) pending.delete(t);
      });
      for (const t of targets) pending.set(t, job);
      return job;
    },
  };
}

export type CatalogReads = ReturnType<typeof createCatalogReads>;
