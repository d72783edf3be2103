import { redis as defaultRedis, type Redis } from "@/lib/redis/client";
import { jitteredTtl, shouldRefreshEarly, type Entry } from "./entry";
import { statsFor, type CacheStats } from "./stats";
import { createStore, DOWN } from "./store";

/**
 * A read-through cache for hot PostgreSQL reads, shared through Redis by every instance:
 * - single-flight per process: concurrent `get`s of one key share one read and one load;
 * - a Redis lock per key, so one instance in the cluster recomputes and the others wait for
 *   its value (bounded by `lockMs`, then they load themselves rather than fail);
 * - TTL jitter, stale-while-revalidate and XFetch early refresh, so keys do not expire in step
 *   and readers seldom see a miss;
 * - Redis unreachable → the loader is called (still single-flight) instead of failing.
 * Values go through JSON (a Date comes back as a string; undefined is stored as null).
 */

export type CacheOptions = {
  name: string;
  /** How long a value is fresh, at most (jitter only shortens it). */
  ttlMs: number;
  /** Fraction of `ttlMs` by which each entry's TTL is randomly shortened. Default 0.1. */
  jitter?: number;
  /** How long past expiry a value may still be served while one caller refreshes it. Default ttlMs. */
  staleMs?: number;
  /** How long one instance may hold a key's recompute lock (should exceed a slow load). Default 5 s. */
  lockMs?: number;
  /** XFetch eagerness: 0 turns early refresh off, above 1 refreshes earlier. Default 1. */
  beta?: number;
  redis?: Redis;
  /** Deadline for each Redis command. Default 250 ms. */
  redisTimeoutMs?: number;
  /** Failures that do not reach a caller (background refreshes, Redis errors), for logging. */
  onError?: (error: unknown, key: string) => void;
};

export type Cache<T> = {
  readonly name: string;
  get(key: string, loader: () => Promise<T>): Promise<T>;
  /** Drops the value and fences off loads already running; false if Redis could not be reached. */
  invalidate(key: string): Promise<boolean>;
  readonly stats: Readonly<CacheStats>;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** 2.5–5 ms, doubling to 25–50 ms: quick to notice a fast load, gentle on Redis for a slow one. */
const pollDelay = (attempt: number) => Math.min(50, 5 * 2 ** attempt) * (0.5 + Math.random() / 2);

export function createCache<T>(options: CacheOptions): Cache<T> {
  const { name, ttlMs, jitter = 0.1, lockMs = 5_000, beta = 1 } = options;
  const staleMs = options.staleMs ?? ttlMs;
  const stats = statsFor(name);
  const store = createStore<T>({
    name,
    redis: () => options.redis ?? defaultRedis(),
    timeoutMs: options.redisTimeoutMs ?? 250,
    stats,
    onError: options.onError,
  });
  const flights = new Map<string, Promise<T>>();
  const refreshing = new Map<string, Promise<void>>();

  /** Runs the loader and stores its value; `token` is the lock to release afterwards, if held. */
  async function loadAndStore(key: string, loader: () => Promise<T>, gen: string, token?: string) {
    try {
      stats.loads++;
      const started = performance.now();
      let value: T;
      try {
        value = await loader();
      } catch (error) {
        stats.loadErrors++;
        throw error;
      }
      const d = performance.now() - started;
      const ttl = jitteredTtl(ttlMs, jitter);
      const t = Date.now();
      const entry: Entry<T> = { v: (value ?? null) as T, t, d, e: t + ttl };
      await store.write(key, entry, gen, ttl + staleMs);
      return value;
    } finally {
      // Released after the write, so a waiter that sees the lock gone also sees the value.
      if (token) await store.unlock(key, token);
    }
  }

  /** Refreshes in the background: once per key in this process, once per key in the cluster. */
  function refresh(key: string, loader: () => Promise<T>, gen: string, early: boolean) {
    if (refreshing.has(key)) return;
    const job = (async () => {
      const token = await store.lock(key, lockMs);
      if (token === null) return; // another instance is refreshing it
      if (early) stats.earlyRefreshes++;
      await loadAndStore(key, loader, gen, token === DOWN ? undefined : token);
    })()
      // The caller already has a value; a failed refresh is retried by the next read.
      .catch((error) => options.onError?.(error, key))
      .finally(() => refreshing.delete(key));
    refreshing.set(key, job);
  }

  /** A miss: take the lock and load, or wait for the instance that holds it (bounded by lockMs). */
  async function fill(key: string, loader: () => Promise<T>, gen: string): Promise<T> {
    const deadline = Date.now() + lockMs;
    for (let attempt = 0; ; attempt++) {
      // Past the deadline the holder is stuck or slow: load without the lock rather than fail.
      const token = Date.now() < deadline ? await store.lock(key, lockMs) : DOWN;
      if (token !== null) return loadAndStore(key, loader, gen, token === DOWN ? undefined : token);
      if (attempt === 0) stats.lockWaits++;
      await sleep(pollDelay(attempt));
      const snap = await store.read(key);
      if (snap === DOWN) return loadAndStore(key, loader, gen);
      if (snap.entry && Date.now() < snap.entry.e) return snap.entry.v;
      gen = snap.gen;
    }
  }

  async function resolve(key: string, loader: () => Promise<T>): Promise<T> {
    const snap = await store.read(key);
    if (snap === DOWN) {
      stats.misses++;
      return loadAndStore(key, loader, "0");
    }
    const { entry, gen } = snap;
    const now = Date.now();
    if (entry && now < entry.e) {
      stats.hits++;
      if (shouldRefreshEarly(entry, now, beta)) refresh(key, loader, gen, true);
      return entry.v;
    }
    if (entry && now < entry.e + staleMs) {
      stats.staleServes++;
      refresh(key, loader, gen, false);
      return entry.v;
    }
    stats.misses++;
    return fill(key, loader, gen);
  }

  return {
    name,
    stats,
    get(key, loader) {
      const inflight = flights.get(key);
      if (inflight) {
        stats.coalesced++;
        return inflight;
      }
      // Removed on success and on failure alike: a failed load must not poison the key.
      const flight: Promise<T> = resolve(key, loader).finally(() => {
        if (flights.get(key) === flight) flights.delete(key);
      });
      flights.set(key, flight);
      return flight;
    },
    async invalidate(key) {
      // Later gets must not join a read that started before the change.
      flights.delete(key);
      return (await store.invalidate(key)) !== DOWN;
    },
  };
}
