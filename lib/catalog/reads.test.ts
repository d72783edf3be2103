import { replaceProcessSingleton } from "@/lib/singleton";
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createDb, dbHandle, type DbHandle } from "@/db";
import { products, sales } from "@/db/schema";
import { tags } from "@/lib/cache/tags";
import { env } from "@/lib/env";
import { createRedis, redis, redisHandle, type RedisHandle } from "@/lib/redis/client";
import { keys } from "@/lib/redis/keys";
import { bulkhead } from "@/lib/resilience/bulkhead";
import { createDbGuard } from "@/lib/resilience/db-guard";
import { pgTarget, startPgProxy, type PgProxy } from "@/test/support/pg-proxy";
import { createCatalogReads, type CatalogReadsOptions } from "./reads";

/**
 * The storefront reads on the real Redis and a real PostgreSQL behind a TCP proxy, so
 * "PostgreSQL is down" is a refused connection, not a mock.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let proxy: PgProxy;
let direct: DbHandle; // the test's own connection, never through the proxy
const handles: RedisHandle[] = [];

beforeAll(async () => {
  const real = process.env.DATABASE_URL!;
  proxy = await startPgProxy(pgTarget(real));
  // The app's handle (db()) goes through the proxy.
  replaceProcessSingleton("db", createDb({ DATABASE_URL: proxy.url(real) }));
  direct = createDb({ DATABASE_URL: real });
});

// A failed outage test must not take PostgreSQL away from the tests after it.
afterEach(() => proxy.up());

afterAll(async () => {
  await dbHandle().close();
  await direct.close();
  await proxy.close();
  await Promise.all(handles.map((h) => h.close()));
  await redisHandle().close();
});

const queries = () => dbHandle().queryCount();
const newRedis = () => {
  const h = createRedis(env());
  handles.push(h);
  return h.redis;
};
const reads = (o: CatalogReadsOptions = {}) =>
  createCatalogReads({ namePrefix: `t-${randomUUID().slice(0, 8)}-`, ...o });

async function newProduct(name = "Test lamp") {
  const slug = `p-${randomUUID().slice(0, 8)}`;
  const [p] = await direct.db
    .insert(products)
    .values({
      slug,
      name: `${name} ${slug}`,
      description: "Made for one test",
      priceCents: 1_000,
      imageUrl: "/products/lumen-lamp.svg",
    })
    .returning();
  return p!;
}
const rename = (id: string, name: string) =>
  direct.db.update(products).set({ name }).where(eq(products.id, id));

describe("catalog reads", () => {
  it("two instances load each key from PostgreSQL once between them, then serve it from Redis", async () => {
    const p = await newProduct();
    const namePrefix = `pair-${randomUUID().slice(0, 8)}-`;
    const a = createCatalogReads({ namePrefix, redis: newRedis() });
    const b = createCatalogReads({ namePrefix, redis: newRedis() });
    const before = queries();
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).product(p.slug)),
    );
    expect(new Set(results.map((r) => r?.name))).toEqual(new Set([p.name]));
    expect(queries() - before).toBe(1);
    await Promise.all([a.catalog(), b.catalog(), a.catalog(), b.storefrontSales()]);
    const warm = queries();
    await Promise.all([a.catalog(), b.catalog(), a.product(p.slug), b.storefrontSales()]);
    expect(queries()).toBe(warm);
  });

  it("never stores a miss, and does not look up a slug no product can have", async () => {
    const r = reads();
    expect(await r.product("no-such-product")).toBeNull();
    expect(await redis().exists(keys.cacheEntry(r.caches.product.name, "no-such-product"))).toBe(0);
    const before = queries();
    expect(await r.product("Not A Slug!")).toBeNull();
    expect(await r.product("x".repeat(81))).toBeNull();
    expect(queries()).toBe(before);
  });

  it("a merchant's change is visible to the very next read here, and after the invalidation on every instance", async () => {
    const p = await newProduct();
    const namePrefix = `inv-${randomUUID().slice(0, 8)}-`;
    const here = createCatalogReads({ namePrefix, redis: newRedis() });
    const there = createCatalogReads({ namePrefix, redis: newRedis() });
    expect((await here.product(p.slug))?.name).toBe(p.name);
    expect((await there.product(p.slug))?.name).toBe(p.name);
    await rename(p.id, "Renamed lamp");
    expect((await there.product(p.slug))?.name).toBe(p.name); // cached, as it should be

    // Started, not awaited (as lib/admin/tags.ts does): a read right behind it still sees the change.
    const done = here.invalidate([tags.catalog, tags.product(p.slug)]);
    expect((await here.product(p.slug))?.name).toBe("Renamed lamp");
    await done;
    expect((await there.product(p.slug))?.name).toBe("Renamed lamp");
    expect((await there.catalog()).find((x) => x.id === p.id)?.name).toBe("Renamed lamp");
  });

  it("search results and a product's sales follow their tags through version counters", async () => {
    const word = `zq${randomUUID()
      .slice(0, 6)
      .replace(/[^a-z]/g, "x")}`;
    const p = await newProduct();
    const r = reads();
    expect(await r.search(word)).toEqual([]);
    expect(await r.productSales(p.id)).toEqual([]);

    await rename(p.id, `The ${word} lamp`);
    const now = Date.now();
    const [sale] = await direct.db
      .insert(sales)
      .values({
        productId: p.id,
        startsAt: new Date(now + 60_000),
        endsAt: new Date(now + 3_600_000),
        stock: 5,
      })
      .returning();
    // Cached until the tags are revalidated.
    expect(await r.search(word)).toEqual([]);
    expect(await r.productSales(p.id)).toEqual([]);

    await r.invalidate([tags.sales, tags.sale(sale!.id)]);
    expect((await r.productSales(p.id)).map((s) => s.id)).toEqual([sale!.id]);
    expect(await r.search(word)).toEqual([]); // a sale change leaves search alone

    await r.invalidate([tags.catalog, tags.product(p.slug)]);
    expect((await r.search(`${word.toUpperCase()}  `)).map((x) => x.name)).toEqual([
      `The ${word} lamp`,
    ]);
    expect(await r.search("  !!  ")).toEqual([]);

    // One sale with its product (checkout): the product's edits reach it through the sales tag.
    expect((await r.sale(sale!.id))?.product.name).toBe(`The ${word} lamp`);
    expect(await r.sale(randomUUID())).toBeNull();
    await rename(p.id, "Lamp, renamed again");
    expect((await r.sale(sale!.id))?.product.name).toBe(`The ${word} lamp`);
    await r.invalidate([tags.catalog, tags.product(p.slug), tags.sales]);
    expect((await r.sale(sale!.id))?.product.name).toBe("Lamp, renamed again");
  });

  it("while PostgreSQL is down: serves what it had, refuses cold reads fast once the breaker opens, and recovers by itself", async () => {
    const guard = createDbGuard({
      budget: bulkhead("db-reads-test", 8),
      failures: 3,
      halfOpenAfterMs: 400,
    });
    const r = reads({ ttlMs: 300, staleMs: 60_000, guard: guard.run });
    const [p1, p2, cold] = [await newProduct(), await newProduct(), await newProduct()];
    const warm = async () => ({
      catalog: await r.catalog(),
      p1: await r.product(p1.slug),
      p2: await r.product(p2.slug),
      sales: await r.storefrontSales(),
      search: await r.search("lamp"),
    });
    const before = await warm();
    expect(before.p1?.name).toBe(p1.name);

    await proxy.down();
    await rename(p1.id, "Renamed while down"); // PostgreSQL itself is fine; the app cannot reach it
    await sleep(350); // every value is past its TTL now

    // Each stale read is answered at once with the old value; its refresh fails in the background.
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      expect(await warm()).toEqual(before);
      expect(performance.now() - started).toBeLessThan(250); // 5 reads, none waits for a load
      await sleep(20);
    }
    expect(guard.state()).toBe("open");
    const stats = r.caches.product.stats;
    expect(stats.staleServes).toBeGreaterThan(0);
    expect(stats.loadErrors).toBeGreaterThan(0);

    // Nothing to serve for a key never read: refused at once by the open breaker.
    const started = performance.now();
    await expect(r.product(cold.slug)).rejects.toThrow(/circuit open/);
    expect(performance.now() - started).toBeLessThan(100);

    await proxy.up();
    // No restart, no invalidation: the half-open probe succeeds and the new name arrives.
    await expect
      .poll(async () => (await r.product(p1.slug))?.name, { timeout: 5_000, interval: 100 })
      .toBe("Renamed while down");
    expect(guard.state()).toBe("closed");
    expect((await r.product(cold.slug))?.name).toBe(cold.name);
  });

  it("with Redis unreachable, reads go straight to PostgreSQL instead of failing", async () => {
    const down = createRedis({ REDIS_URL: "redis://127.0.0.1:1" });
    const r = reads({ redis: down.redis });
    const p = await newProduct();
    const started = performance.now();
    expect((await r.product(p.slug))?.name).toBe(p.name);
    expect((await r.search("lamp")).length).toBeGreaterThan(0);
    expect(await r.productSales(p.id)).toEqual([]);
    expect(performance.now() - started).toBeLessThan(1_500);
  });
});
