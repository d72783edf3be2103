import type { Redis } from "@upstash/redis";
import { redis as defaultRedis } from "@/lib/redis/client";
import { keys } from "@/lib/redis/keys";
import { withTimeout } from "@/lib/resilience/timeout";
import { processSingleton } from "@/lib/singleton";

/**
 * Next.js's incremental cache (ISR pages, route handler responses, `unstable_cache` data) in
 * Redis, so every instance serves what any one rendered, and a tag revalidated on one instance
 * (a merchant's edit) is stale on all of them. On when NEXT_CACHE_HANDLER=redis (next.config.ts,
 * which loads it through next-cache-handler.mjs); one instance keeps Next.js's own cache.
 *
 * Tags follow Next.js's file-system cache: `revalidateTag(tag, profile)` marks the tag stale now
 * (the next request gets the old entry and regenerates it in the background) and expired after
 * the profile's `expire`; `revalidateTag(tag)` expires it now (the next request renders afresh).
 * Redis trouble never fails a page: a read that does not answer in time is a miss, and after a
 * failure Redis is skipped for a second, so an outage costs one timeout a second, not one a request.
 *
 * An entry is as old as the data it was rendered from, not as the moment it was stored. A render
 * that began before a merchant's change and is stored after `revalidateTag` would otherwise look
 * newer than the revalidation and be served as fresh, old data and all, until its revalidate time
 * ran out (the cache-aside race: a slow fill lands after the invalidation). So each get that sends
 * Next.js off to render — a miss, an expired or stale entry — notes when, and the set that stores
 * a render is dated no later than that (see renders). Instances compare their own clocks with the
 * tag marks, so their clocks must agree (NTP), as Next.js's own tag expiry already assumes.
 */

const READ_TIMEOUT_MS = 500;
const WRITE_TIMEOUT_MS = 2_000;
const SKIP_AFTER_FAILURE_MS = 1_000;
const MAX_TTL_SECONDS = 7 * 24 * 3600;
const TAGS_HEADER = "x-next-cache-tags";
const FORMAT = "v1:";

/** The parts of Next.js's cache values and contexts this handler reads; the rest is opaque. */
type CacheValue = {
  kind: string;
  headers?: Record<string, unknown>;
  tags?: string[];
  revalidate?: number | false;
} | null;
type CacheControl = { revalidate?: number | false; expire?: number };
type GetContext = { kind?: string; tags?: string[]; softTags?: string[]; revalidate?: unknown };
type SetContext = { fetchCache?: boolean; tags?: string[]; cacheControl?: CacheControl };

export type StoredEntry = {
  lastModified: number;
  value: CacheValue;
  cacheControl?: CacheControl;
  tags: string[];
};

/** JSON with Buffers and Maps (an app page's RSC payload and segments) kept intact. */
export function serializeEntry(entry: StoredEntry): string {
  return (
    FORMAT +
    JSON.stringify(entry, function (this: Record<string, unknown>, key, value: unknown) {
      const raw = this[key];
      if (Buffer.isBuffer(raw)) return { $b: raw.toString("base64") };
      if (raw instanceof Map) return { $m: [...raw.entries()] };
      return value;
    })
  );
}

export function parseEntry(text: string): StoredEntry | null {
  if (!text.startsWith(FORMAT)) return null;
  return JSON.parse(text.slice(FORMAT.length), (_key, value: unknown) => {
    if (value && typeof value === "object" && !Array.isArray(value)) {
      const o = value as Record<string, unknown>;
      const only = Object.keys(o).length === 1;
      if (only && typeof o.$b === "string") return Buffer.from(o.$b, "base64");
      if (only && Array.isArray(o.$m)) return new Map(o.$m as [string, unknown][]);
    }
    return value;
  }) as StoredEntry;
}

/** The tags an entry answers to: a page's from its tags header, a data entry's from the call. */
function tagsOf(value: CacheValue, ctxTags: readonly string[] = []): string[] {
  const header = value?.headers?.[TAGS_HEADER];
  const fromHeader = typeof header === "string" && header !== "" ? header.split(",") : [];
  return [...new Set([...fromHeader, ...(value?.tags ?? []), ...ctxTags])];
}

function ttlSeconds(cacheControl: CacheControl | undefined): number {
  const expire = cacheControl?.expire;
  return typeof expire === "number" && expire > 0
    ? Math.min(MAX_TTL_SECONDS, Math.max(60, Math.ceil(expire)))
    : MAX_TTL_SECONDS;
}

/** How many seconds the entry stays fresh; false or 0 when it never goes stale by time. */
function revalidateSeconds(entry: StoredEntry, ctx: GetContext): number {
  const fromCtx = typeof ctx.revalidate === "number" ? ctx.revalidate : 0;
  const r = fromCtx || entry.cacheControl?.revalidate || entry.value?.revalidate || 0;
  return typeof r === "number" && r > 0 ? r : 0;
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v) || 0);

/**
 * Renders of each key under way in this process: when the earliest began and how many there are.
 * get() adds one when its answer makes Next.js render (a miss, or an entry stale by tag or by
 * time); the set() that stores a render takes one and is dated at the earliest start. Renders of
 * one key can overlap: Next.js renders a page once at a time per process, but every request that
 * misses an `unstable_cache` entry runs its function and stores what it read. Dating every set at
 * the earliest start still under way is never later than the start of the render being stored
 * (the earliest stays until the last of them is stored), so none that read the catalog before a
 * change is dated after it; a render that began later is dated too early, which costs one more
 * render, never stale data.
 *
 * A get that sends Next.js to render may be followed by no set (a prefetch, a render that
 * failed): so starts older than RENDER_WINDOW_MS are forgotten, and a render longer than that is
 * dated at its set, as before. Bounded: past RENDER_STARTS_MAX keys (searches are cached per
 * query) the forgotten ones are swept, and if that is not enough, all of them.
 * On globalThis: the shim (next-cache-handler.mjs) may load this module more than once in a
 * process, and a render's get and set must find the same starts.
 */
type Renders = { earliest: number; count: number };
const renders = processSingleton("renders", () => new Map<string, Renders>());
const RENDER_WINDOW_MS = 20_000;
const RENDER_STARTS_MAX = 10_000;

function renderStarted(cacheKey: string, now: number): void {
  const under = renders.get(cacheKey);
  if (under && now - under.earliest < RENDER_WINDOW_MS) return void under.count++;
  if (renders.size >= RENDER_STARTS_MAX) {
    for (const [k, r] of renders) if (now - r.earliest >= RENDER_WINDOW_MS) renders.delete(k);
    if (renders.size >= RENDER_STARTS_MAX) renders.clear();
  }
  renders.set(cacheKey, { earliest: now, count: 1 });
}

/** When the render being stored began, at the latest: the earliest start under way, or now. */
function renderStoredAt(cacheKey: string, now: number): number {
  const under = renders.get(cacheKey);
  if (!under) return now;
  if (--under.count <= 0) renders.delete(cacheKey);
  // min: a clock stepped back between get and set must not date the entry in the future.
  return now - under.earliest < RENDER_WINDOW_MS ? Math.min(under.earliest, now) : now;
}

let skipUntil = 0;
let redisFactory: () => Redis = defaultRedis;

/** Tests point the handler at their own client. */
export function useRedis(factory: () => Redis): void {
  redisFactory = factory;
  skipUntil = 0;
}

async function call<T>(ms: number, op: (r: Redis) => Promise<T>): Promise<T | undefined> {
  if (Date.now() < skipUntil) return undefined;
  try {
    return await withTimeout(ms, () => op(redisFactory()));
  } catch {
    skipUntil = Date.now() + SKIP_AFTER_FAILURE_MS;
    return undefined;
  }
}

export default class RedisCacheHandler {
  // Next.js passes its context (dev, fs, limits); nothing in it applies to a shared Redis cache.
  constructor(_ctx?: unknown) {}

  async get(cacheKey: string, ctx: GetContext = {}) {
    const asked = Date.now();
    const found = await this.read(cacheKey, ctx);
    const seconds = found && revalidateSeconds(found.entry, ctx);
    // Next.js renders on a miss and when the entry has outlived its revalidate time.
    if (!found || (seconds && found.answer.lastModified + seconds * 1000 <= Date.now()))
      renderStarted(cacheKey, asked);
    return found && found.answer;
  }

  /** The stored entry and Next.js's answer (with the lastModified Next.js judges it by), or null for a miss. */
  private async read(cacheKey: string, ctx: GetContext) {
    const raw = await call(READ_TIMEOUT_MS, (r) => r.get<unknown>(keys.nextCache(cacheKey)));
    if (typeof raw !== "string") return null;
    const entry = parseEntry(raw);
    if (!entry) return null;
    const tags = [...new Set([...entry.tags, ...(ctx.tags ?? []), ...(ctx.softTags ?? [])])];
    let lastModified = entry.lastModified;
    if (tags.length > 0) {
      const fields = tags.flatMap((t) => [`s:${t}`, `e:${t}`]);
      const marks = await call(READ_TIMEOUT_MS, (r) =>
        r.hmget<Record<string, unknown>>(keys.nextCacheTags(), ...fields),
      );
      if (marks === undefined) return null; // cannot tell whether it was revalidated
      const now = Date.now();
      let stale = false;
      for (const t of tags) {
        const expired = num(marks?.[`e:${t}`]);
        if (expired > entry.lastModified && expired <= now) return null;
        if (num(marks?.[`s:${t}`]) > entry.lastModified) stale = true;
      }
      if (stale) {
        // Next.js decides staleness from lastModified + revalidate: report an age just past it,
        // so the old entry is served once while a fresh one renders. No timer: render now.
        const seconds = revalidateSeconds(entry, ctx);
        if (!seconds) return null;
        lastModified = now - seconds * 1000 - 1_000;
      }
    }
    return {
      entry,
      answer: { lastModified, value: entry.value, cacheControl: entry.cacheControl },
    };
  }

  async set(cacheKey: string, data: CacheValue, ctx: SetContext = {}) {
    const cacheControl = ctx.fetchCache ? undefined : ctx.cacheControl;
    const entry: StoredEntry = {
      lastModified: renderStoredAt(cacheKey, Date.now()),
      value: data,
      cacheControl,
      tags: tagsOf(data, ctx.tags),
    };
    const payload = serializeEntry(entry);
    await call(WRITE_TIMEOUT_MS, (r) =>
      r.set(keys.nextCache(cacheKey), payload, { ex: ttlSeconds(cacheControl) }),
    );
  }

  async revalidateTag(tags: string | string[], durations?: { expire?: number }) {
    const list = typeof tags === "string" ? [tags] : tags;
    if (list.length === 0) return;
    const now = Date.now();
    const marks: Record<string, number> = {};
    for (const t of list) {
      if (durations) {
        marks[`s:${t}`] = now;
        if (durations.expire !== undefined) marks[`e:${t}`] = now + durations.expire * 1000;
      } else marks[`e:${t}`] = now;
    }
    await call(WRITE_TIMEOUT_MS, (r) => r.hset(keys.nextCacheTags(), marks));
  }

  resetRequestCache() {}
}
