import { processSingleton } from "@/lib/singleton";

/**
 * Counters for every read-through cache, by name, for the metrics endpoint. Each `get` counts as
 * exactly one of hits, staleServes, misses or coalesced; the rest count events behind them.
 */

export type CacheStats = {
  /** Reads that found a fresh value in Redis. */
  hits: number;
  /** Reads that found nothing usable (or could not reach Redis) and had to fill the key. */
  misses: number;
  /** Calls that joined a read already in flight in this process instead of starting one. */
  coalesced: number;
  /** Reads that served a value past its expiry while one caller refreshes it. */
  staleServes: number;
  /** Loader calls. */
  loads: number;
  /** Loader calls that threw. */
  loadErrors: number;
  /** Misses that found another instance recomputing and waited for its value. */
  lockWaits: number;
  /** Refreshes started early by XFetch, before the value expired. */
  earlyRefreshes: number;
  /** Redis commands that failed or timed out (the cache then calls the loader directly). */
  redisErrors: number;
};

// Per process: /api/metrics must see the counters of caches used by pages too.
const registry = processSingleton("cacheStats", () => new Map<string, CacheStats>());

const zero = (): CacheStats => ({
  hits: 0,
  misses: 0,
  coalesced: 0,
  staleServes: 0,
  loads: 0,
  loadErrors: 0,
  lockWaits: 0,
  earlyRefreshes: 0,
  redisErrors: 0,
});

/** The live counters of cache `name` (shared by every instance of that name in this process). */
export function statsFor(name: string): CacheStats {
  let stats = registry.get(name);
  if (!stats) {
    stats = zero();
    registry.set(name, stats);
  }
  return stats;
}

/** A snapshot of every cache's counters, by cache name. */
export function cacheStats(): Record<string, CacheStats> {
  return Object.fromEntries([...registry].map(([name, s]) => [name, { ...s }]));
}
