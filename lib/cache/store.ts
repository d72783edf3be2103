import { acquireLock, releaseLock } from "@/lib/redis/lock";
import type { Redis } from "@/lib/redis/client";
import { keys } from "@/lib/redis/keys";
import { isEntry, type Entry } from "./entry";
import type { CacheStats } from "./stats";
import { withDeadline } from "@/lib/resilience/timeout";

/**
 * The Redis side of one read-through cache. Every command has a deadline (node-redis waits
 * forever for a server that is down), and after a failure Redis is skipped for a moment, so an
 * outage costs one timeout per second rather than one per request. `DOWN` means "no answer".
 */

export const DOWN = Symbol("redis-down");
export type Down = typeof DOWN;

const SKIP_AFTER_FAILURE_MS = 1_000;
/** Longer than any load, so a counter never expires and wraps back to a value a load started with. */
const GEN_TTL_MS = 3_600_000;

// Write only if no invalidation happened since the load began (the generation is unchanged).
const WRITE = `if (redis.call("get", KEYS[2]) or "0") ~= ARGV[3] then return 0 end
redis.call("set", KEYS[1], ARGV[1], "px", ARGV[2])
return 1`;

export type Snapshot<T> = { entry: Entry<T> | null; gen: string };

export type StoreOptions = {
  name: string;
  redis: () => Redis;
  timeoutMs: number;
  stats: CacheStats;
  onError?: (error: unknown, key: string) => void;
};

export function createStore<T>({ name, redis, timeoutMs, stats, onError }: StoreOptions) {
  let skipUntil = 0;
  let writeScript: ReturnType<Redis["createScript"]> | undefined;

  async function call<R>(key: string, op: (r: Redis) => Promise<R>): Promise<R | Down> {
    if (Date.now() < skipUntil) return DOWN;
    try {
      return await withDeadline(op(redis()), timeoutMs, "Redis");
    } catch (error) {
      stats.redisErrors++;
      skipUntil = Date.now() + SKIP_AFTER_FAILURE_MS;
      onError?.(error, key);
      return DOWN;
    }
  }

  return {
    read: (key: string) =>
      call(key, async (r): Promise<Snapshot<T>> => {
        const [raw, gen] = await r.mget<[unknown, unknown]>(
          keys.cacheEntry(name, key),
          keys.cacheGen(name, key),
        );
        return { entry: isEntry<T>(raw) ? raw : null, gen: gen === null ? "0" : String(gen) };
      }),

    /** Stores `entry` for `pttlMs` unless the key was invalidated after generation `gen` was read. */
    write: (key: string, entry: Entry<T>, gen: string, pttlMs: number) =>
      call(key, async (r) => {
        writeScript ??= r.createScript(WRITE);
        const args = [JSON.stringify(entry), String(Math.max(1, Math.ceil(pttlMs))), gen];
        return (
          (await writeScript.exec([keys.cacheEntry(name, key), keys.cacheGen(name, key)], args)) ===
          1
        );
      }),

    lock: (key: string, ttlMs: number) =>
      call(key, (r) => acquireLock(r, keys.cacheEntryLock(name, key), ttlMs)),

    unlock: (key: string, token: string) =>
      call(key, (r) => releaseLock(r, keys.cacheEntryLock(name, key), token)),

    invalidate: (key: string) =>
      call(key, async (r) => {
        const tx = r.multi();
        tx.incr(keys.cacheGen(name, key));
        tx.pexpire(keys.cacheGen(name, key), GEN_TTL_MS);
        tx.del(keys.cacheEntry(name, key));
        await tx.exec();
      }),
  };
}

export type Store<T> = ReturnType<typeof createStore<T>>;
