import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { redis } from "@/lib/redis/client";
import { keys } from "@/lib/redis/keys";
import { countingLoader, extraRedisClients, uniqueName } from "@/test/support/cache";
import type { Entry } from "./entry";
import { createCache } from "./read-through";

/** Expiry spreading, XFetch, stale-while-revalidate and invalidation, on the real Redis. */

const newClient = extraRedisClients();
const rawEntry = (name: string, key: string) =>
  redis().get<Entry<unknown>>(keys.cacheEntry(name, key));

/** Reads `key` every `everyMs` until `until()` says stop; returns the values seen. */
async function steadyReads<T>(read: () => Promise<T>, everyMs: number, until: () => boolean) {
  const seen: T[] = [];
  while (!until()) {
    seen.push(await read());
    await sleep(everyMs);
  }
  return seen;
}

describe("read-through cache: freshness", () => {
  it("spreads expiries with TTL jitter, never past the TTL", async () => {
    const name = uniqueName("jitter");
    const ttlMs = 60_000;
    const cache = createCache<number>({ name, ttlMs, jitter: 0.2, staleMs: 5_000 });
    const ids = Array.from({ length: 300 }, (_, i) => `k${i}`);
    await Promise.all(ids.map((id, i) => cache.get(id, async () => i)));
    const entries = await Promise.all(ids.map((id) => rawEntry(name, id)));
    const ttls = entries.map((e) => e!.e - e!.t);
    const spread = Math.max(...ttls) - Math.min(...ttls);
    expect(Math.min(...ttls)).toBeGreaterThanOrEqual(ttlMs * 0.8);
    expect(Math.max(...ttls)).toBeLessThanOrEqual(ttlMs);
    // Uniform over a 12 s band: 300 samples cover most of it.
    expect(spread).toBeGreaterThan(ttlMs * 0.2 * 0.8);
    expect(new Set(ttls).size).toBeGreaterThan(250);
    // Redis keeps each entry `staleMs` past its own expiry, so stale values can still be served.
    // (Loose bound: on a loaded machine the read and the clock can be far apart.)
    const pttl = await redis().pttl(keys.cacheEntry(name, "k0"));
    expect(Math.abs(pttl - (entries[0]!.e + 5_000 - Date.now()))).toBeLessThan(3_000);

    const flat = createCache<number>({ name: uniqueName("nojitter"), ttlMs, jitter: 0 });
    await Promise.all(ids.slice(0, 20).map((id) => flat.get(id, async () => 1)));
    const flatTtls = await Promise.all(ids.slice(0, 20).map((id) => rawEntry(flat.name, id)));
    expect(new Set(flatTtls.map((e) => e!.e - e!.t))).toEqual(new Set([ttlMs]));
  });

  it("XFetch refreshes before expiry under steady reads, so no reader sees a miss", async () => {
    const name = uniqueName("xfetch");
    const cache = createCache<number>({ name, ttlMs: 600, jitter: 0, staleMs: 2_000, beta: 2 });
    const { load, calls } = countingLoader((n) => n, 60); // delta ≈ 60 ms
    await cache.get("k", load);
    const first = (await rawEntry(name, "k"))!;
    expect(first.d).toBeGreaterThanOrEqual(55);
    await steadyReads(
      () => cache.get("k", load),
      10,
      () => calls.length >= 2 || Date.now() > first.e + 300,
    );
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(calls[1]!).toBeLessThan(first.e);
    expect(cache.stats.earlyRefreshes).toBeGreaterThanOrEqual(1);
    expect(cache.stats.misses).toBe(1);
  });

  it("with beta 0 there is no early refresh: the loader runs again only once the value expired", async () => {
    const name = uniqueName("xfetch-off");
    const cache = createCache<number>({ name, ttlMs: 400, jitter: 0, staleMs: 2_000, beta: 0 });
    const { load, calls } = countingLoader((n) => n, 60);
    await cache.get("k", load);
    const first = (await rawEntry(name, "k"))!;
    await steadyReads(
      () => cache.get("k", load),
      10,
      () => calls.length >= 2 || Date.now() > first.e + 300,
    );
    expect(calls).toHaveLength(2);
    expect(calls[1]!).toBeGreaterThanOrEqual(first.e);
    expect(cache.stats.earlyRefreshes).toBe(0);
    expect(cache.stats.staleServes).toBeGreaterThanOrEqual(1);
  });

  it("serves the stale value at once while exactly one caller (of two instances) refreshes", async () => {
    const name = uniqueName("swr");
    const options = { name, ttlMs: 300, jitter: 0, staleMs: 10_000 };
    const a = createCache<string>({ ...options, redis: newClient() });
    const b = createCache<string>({ ...options, redis: newClient() });
    await a.get("k", async () => "old");
    await sleep(350); // expired, still inside the stale window

    let slowCalls = 0;
    const slow = async () => {
      slowCalls++;
      await sleep(500);
      return "new";
    };
    const wave = async () => {
      const started = Date.now();
      const values = await Promise.all(
        Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).get("k", slow)),
      );
      return { values, ms: Date.now() - started };
    };
    const first = await wave();
    await sleep(50);
    const second = await wave(); // the refresh is still running
    for (const w of [first, second]) {
      expect(new Set(w.values)).toEqual(new Set(["old"]));
      expect(w.ms).toBeLessThan(150); // nobody waited for the 500 ms load
    }
    await sleep(600);
    expect(await b.get("k", slow)).toBe("new");
    expect(slowCalls).toBe(1);
    // Counters are per cache name, so a and b share them: two waves on each instance.
    expect(a.stats.staleServes).toBeGreaterThanOrEqual(4);
  });

  it("keeps serving stale when the refresh fails, and retries on the next read", async () => {
    const errors: unknown[] = [];
    const cache = createCache<string>({
      name: uniqueName("swr-fail"),
      ttlMs: 200,
      jitter: 0,
      staleMs: 10_000,
      onError: (e) => errors.push(e),
    });
    await cache.get("k", async () => "old");
    await sleep(250);
    let failures = 0;
    const failing = async (): Promise<string> => {
      failures++;
      throw new Error("PostgreSQL is down");
    };
    expect(await cache.get("k", failing)).toBe("old");
    await sleep(50);
    expect(await cache.get("k", failing)).toBe("old");
    await sleep(50);
    expect(failures).toBe(2); // retried, not poisoned
    expect(cache.stats.loadErrors).toBe(2);
    expect(errors).toHaveLength(2);

    expect(await cache.get("k", async () => "new")).toBe("old"); // this read starts the refresh
    await sleep(50);
    expect(await cache.get("k", failing)).toBe("new");
  });

  it("invalidate drops the value and fences off a load that was already running", async () => {
    const name = uniqueName("invalidate");
    const cache = createCache<string>({ name, ttlMs: 60_000 });
    expect(await cache.get("k", async () => "v1")).toBe("v1");
    expect(await cache.invalidate("k")).toBe(true);
    expect(await rawEntry(name, "k")).toBeNull();
    expect(await cache.get("k", async () => "v2")).toBe("v2");

    // A load that read the database before the change must not store what it read.
    await cache.invalidate("k");
    const before = cache.get("k", async () => {
      await sleep(200);
      return "read-before-edit";
    });
    await sleep(50);
    expect(await cache.invalidate("k")).toBe(true);
    const after = cache.get("k", async () => "read-after-edit");
    expect(await before).toBe("read-before-edit");
    expect(await after).toBe("read-after-edit");
    expect((await rawEntry(name, "k"))!.v).toBe("read-after-edit");
    expect(await cache.get("k", async () => "unused")).toBe("read-after-edit");
  });
});
