import { afterAll, describe, expect, it } from "vitest";
import { createRedis, redis, redisHandle } from "@/lib/redis/client";
import { keys } from "@/lib/redis/keys";
import RedisCacheHandler, { parseEntry, serializeEntry, useRedis } from "./redis-cache-handler";

/**
 * The shared Next.js cache handler against the real Redis (the run's own key prefix). Two
 * handler objects stand for two instances: they share nothing but Redis.
 */

const appPage = (html: string, tags: string) => ({
  kind: "APP_PAGE",
  html,
  rscData: Buffer.from(`rsc:${html}`),
  headers: { "x-next-cache-tags": tags, "x-extra": "1" },
  postponed: undefined,
  status: 200,
  segmentData: new Map([["/_tree", Buffer.from([0, 1, 2, 255])]]),
});
const fetchEntry = (body: string) => ({
  kind: "FETCH",
  data: { headers: {}, body, url: "" },
  revalidate: 60,
});
const pageCtx = { kind: "APP_PAGE", isRoutePPREnabled: false, isFallback: false };
const fetchCtx = (tags: string[], softTags: string[] = []) => ({
  kind: "FETCH",
  revalidate: 60,
  tags,
  softTags,
});

/** The stored value's fields (the handler types values loosely: Next.js owns their shape). */
const val = (e: { value: unknown } | null) => e!.value as Record<string, unknown>;
const bodyOf = (e: { value: unknown } | null) => (val(e).data as { body: string }).body;

let n = 0;
const key = (name: string) => `${name}-${++n}-${Date.now()}`;

describe("the Redis cache handler", () => {
  afterAll(() => redisHandle().close());
  const a = new RedisCacheHandler();
  const b = new RedisCacheHandler();

  it("keeps an app page whole across instances: HTML, RSC buffer, segment map, headers, lifetime", async () => {
    const k = key("page");
    const value = appPage("<p>hello</p>", "product:x,_N_T_/products/x");
    await a.set(k, value, { cacheControl: { revalidate: 60, expire: 3600 } });
    const got = await b.get(k, pageCtx);
    expect(got).not.toBeNull();
    expect(got!.value).toEqual(value);
    expect(Buffer.isBuffer(val(got).rscData)).toBe(true);
    expect((val(got).segmentData as Map<string, Buffer>).get("/_tree")).toEqual(
      Buffer.from([0, 1, 2, 255]),
    );
    expect(got!.cacheControl).toEqual({ revalidate: 60, expire: 3600 });
    expect(Date.now() - got!.lastModified).toBeLessThan(5_000);
    // Stored under the prefix, with a TTL from the entry's expire.
    const ttl = await redis().ttl(keys.nextCache(k));
    expect(ttl).toBeGreaterThan(3000);
    expect(ttl).toBeLessThanOrEqual(3600);
    expect(await b.get(key("missing"), pageCtx)).toBeNull();
  });

  it("serves a page stale once its tag is revalidated with a profile on another instance, fresh after the next set", async () => {
    const k = key("stale");
    await a.set(k, appPage("old", "product:stale"), {
      cacheControl: { revalidate: 60, expire: 31536000 },
    });
    await new Promise((r) => setTimeout(r, 5));
    await b.revalidateTag("product:stale", { expire: 31536000 });
    const stale = await a.get(k, pageCtx);
    // Still served (stale-while-revalidate), reported as older than its revalidate time.
    expect(val(stale).html).toBe("old");
    expect(Date.now() - stale!.lastModified).toBeGreaterThan(60_000);
    expect(Date.now() - stale!.lastModified).toBeLessThan(31536000_000);
    await a.set(k, appPage("new", "product:stale"), {
      cacheControl: { revalidate: 60, expire: 31536000 },
    });
    const fresh = await b.get(k, pageCtx);
    expect(val(fresh).html).toBe("new");
    expect(Date.now() - fresh!.lastModified).toBeLessThan(5_000);
  });

  it("misses once a tag is expired (revalidateTag without a profile), by the call's tags and soft tags too", async () => {
    const k1 = key("data");
    const k2 = key("soft");
    await a.set(k1, fetchEntry('{"v":1}'), { fetchCache: true, tags: ["catalog"] });
    await a.set(k2, fetchEntry('{"v":2}'), { fetchCache: true, tags: [] });
    expect(await b.get(k1, fetchCtx(["catalog"]))).not.toBeNull();
    expect(await b.get(k2, fetchCtx([], ["_N_T_/search"]))).not.toBeNull();
    await new Promise((r) => setTimeout(r, 5));
    await b.revalidateTag(["catalog", "_N_T_/search"]);
    expect(await a.get(k1, fetchCtx(["catalog"]))).toBeNull();
    expect(await a.get(k2, fetchCtx([], ["_N_T_/search"]))).toBeNull();
    // An entry written after the revalidation is fresh.
    await a.set(k1, fetchEntry('{"v":3}'), { fetchCache: true, tags: ["catalog"] });
    const got = await b.get(k1, fetchCtx(["catalog"]));
    expect(bodyOf(got)).toBe('{"v":3}');
  });

  it("a stale data entry keeps its body and goes stale by its own revalidate time", async () => {
    const k = key("stale-data");
    await a.set(k, fetchEntry('{"v":"old"}'), { fetchCache: true, tags: ["sales"] });
    await new Promise((r) => setTimeout(r, 5));
    await b.revalidateTag("sales", { expire: 3600 });
    const got = await a.get(k, fetchCtx(["sales"]));
    expect(bodyOf(got)).toBe('{"v":"old"}');
    expect(Date.now() - got!.lastModified).toBeGreaterThan(60_000);
  });

  const tick = () => new Promise((r) => setTimeout(r, 5));
  const page = (html: string, tags: string) =>
    [appPage(html, tags), { cacheControl: { revalidate: 60, expire: 31536000 } }] as const;

  it("dates a render from when it began: one that read before a revalidation and is stored after it is rendered again", async () => {
    // A miss sends this instance off to render the page from the catalog as it was…
    const k = key("race-miss");
    expect(await a.get(k, pageCtx)).toBeNull();
    await tick();
    // …a merchant archives a product on another instance meanwhile…
    await b.revalidateTag("catalog:race-miss");
    await tick();
    // …and the render, begun before the change, is stored after it: the next read renders again.
    await a.set(k, ...page("with the archived product", "catalog:race-miss"));
    expect(await b.get(k, pageCtx)).toBeNull();
    // The render that follows began after the change: it is fresh.
    expect(await a.get(k, pageCtx)).toBeNull();
    await a.set(k, ...page("without it", "catalog:race-miss"));
    expect(val(await b.get(k, pageCtx)).html).toBe("without it");
  });

  it("dates the background refresh of an entry stale by tag from when it began", async () => {
    const d = key("race-stale");
    await a.set(d, fetchEntry('{"v":"old"}'), { fetchCache: true, tags: ["sales:race"] });
    await tick();
    await b.revalidateTag("sales:race", { expire: 3600 });
    expect(bodyOf(await a.get(d, fetchCtx(["sales:race"])))).toBe('{"v":"old"}'); // refresh starts
    await tick();
    await b.revalidateTag("sales:race");
    await tick();
    await a.set(d, fetchEntry('{"v":"read before"}'), { fetchCache: true, tags: ["sales:race"] });
    expect(await b.get(d, fetchCtx(["sales:race"]))).toBeNull();
  });

  it("dates the refresh of an entry that outlived its revalidate time from when it began", async () => {
    const r = key("race-time");
    const everySecond = { ...fetchCtx(["product:race"]), revalidate: 1 };
    await a.set(r, fetchEntry('{"v":"old"}'), { fetchCache: true, tags: ["product:race"] });
    await new Promise((done) => setTimeout(done, 1_050));
    expect(bodyOf(await a.get(r, everySecond))).toBe('{"v":"old"}'); // refresh starts
    await tick();
    await b.revalidateTag("product:race");
    await tick();
    await a.set(r, fetchEntry('{"v":"read before"}'), { fetchCache: true, tags: ["product:race"] });
    expect(await b.get(r, everySecond)).toBeNull();
  });

  it("dates overlapping renders of one key no later than the earliest: the slow one that read before the change is not fresh", async () => {
    // Two requests miss the same unstable_cache entry; Next.js runs the function for each.
    const k = key("race-overlap");
    const ctx = fetchCtx(["catalog:overlap"]);
    const store = (body: string) =>
      a.set(k, fetchEntry(body), { fetchCache: true, tags: ["catalog:overlap"] });
    expect(await a.get(k, ctx)).toBeNull(); // the slow one starts, reading the old catalog
    await tick();
    await b.revalidateTag("catalog:overlap");
    await tick();
    expect(await a.get(k, ctx)).toBeNull(); // the quick one starts after the change…
    await store('{"v":"new"}'); // …and is stored first, dated at the slow one's start:
    expect(await b.get(k, ctx)).toBeNull(); // one render more than needed (R1), never stale data
    await store('{"v":"old"}'); // the slow one lands last…
    expect(await b.get(k, ctx)).toBeNull(); // …and is not served as fresh (R2 starts)
    await store('{"v":"R1"}');
    await store('{"v":"R2"}');
    // Every render begun before the change is stored: the next one is dated from its own start.
    expect(await b.get(k, ctx)).toBeNull();
    await tick();
    await store('{"v":"newest"}');
    expect(bodyOf(await a.get(k, ctx))).toBe('{"v":"newest"}');
  });

  it("dates a set at the set when no render was noted, and a fresh read notes none", async () => {
    const k = key("no-note");
    await a.set(k, fetchEntry('{"v":1}'), { fetchCache: true, tags: ["t:no-note"] });
    expect(bodyOf(await a.get(k, fetchCtx(["t:no-note"])))).toBe('{"v":1}'); // fresh: no render
    await new Promise((r) => setTimeout(r, 5));
    await b.revalidateTag("t:no-note");
    await a.set(k, fetchEntry('{"v":2}'), { fetchCache: true, tags: ["t:no-note"] });
    expect(bodyOf(await b.get(k, fetchCtx(["t:no-note"])))).toBe('{"v":2}');
  });

  it("round-trips what JSON alone would lose", () => {
    const entry = {
      lastModified: 1,
      value: appPage("x", "t"),
      cacheControl: { revalidate: 1 },
      tags: ["t"],
    };
    const back = parseEntry(serializeEntry(entry));
    expect(back).toEqual(entry);
    expect(parseEntry('{"not":"ours"}')).toBeNull();
  });

  it("treats a Redis that does not answer as a miss and never throws", async () => {
    const dead = createRedis({ REDIS_URL: "redis://127.0.0.1:1" });
    useRedis(() => dead.redis);
    try {
      const h = new RedisCacheHandler();
      const started = performance.now();
      await expect(
        h.set(key("dead"), fetchEntry("{}"), { fetchCache: true }),
      ).resolves.toBeUndefined();
      await expect(h.get(key("dead"), fetchCtx([]))).resolves.toBeNull();
      await expect(h.revalidateTag("x")).resolves.toBeUndefined();
      expect(performance.now() - started).toBeLessThan(3_000);
    } finally {
      useRedis(redis);
      // A client that never connected may not answer QUIT: drop it without waiting.
      dead.redis.get("x").catch(() => {});
      void dead.close().catch(() => {});
    }
  });
});
