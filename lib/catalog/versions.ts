import type { Redis } from "@/lib/redis/client";
import { withTimeout } from "@/lib/resilience/timeout";

/**
 * Version counters for cache families whose keys cannot be listed one by one (search results by
 * query, sales by product id). A family's version is part of every key in it, so one HINCRBY
 * makes all of them unreachable at once; the orphaned entries expire on their own TTL.
 * All families live in one Redis hash (one key, so one shard in a cluster).
 */

const SKIP_AFTER_FAILURE_MS = 1_000;

export type Versions = {
  /** The family's current version, or null when Redis did not answer (then bypass the cache). */
  get(family: string): Promise<string | null>;
  /** Moves each family to a new version; false when Redis did not answer. */
  bump(families: readonly string[]): Promise<boolean>;
};

export function createVersions(o: {
  redis: () => Redis;
  key: () => string;
  timeoutMs: number;
  onError?: (error: unknown) => void;
}): Versions {
  // Concurrent readers of one family share one HGET (a cold instance sees a herd at once).
  const inflight = new Map<string, Promise<string | null>>();
  let skipUntil = 0;

  async function read(family: string): Promise<string | null> {
    if (Date.now() < skipUntil) return null;
    try {
      const v = await withTimeout(o.timeoutMs, () => o.redis().hget(o.key(), family));
      return String(v ?? 0);
    } catch (error) {
      skipUntil = Date.now() + SKIP_AFTER_FAILURE_MS;
      o.onError?.(error);
      return null;
    }
  }

  return {
    get(family) {
      let p = inflight.get(family);
      if (!p) {
        p = read(family).finally(() => inflight.delete(family));
        inflight.set(family, p);
      }
      return p;
    },
    async bump(families) {
      if (families.length === 0) return true;
      // A bump after this point must not be answered by a read that started before it.
      for (const f of families) inflight.delete(f);
      try {
        const p = o.redis().pipeline();
        for (const f of families) p.hincrby(o.key(), f, 1);
        await withTimeout(o.timeoutMs * 4, () => p.exec());
        return true;
      } catch (error) {
        o.onError?.(error);
        return false;
      }
    },
  };
}
