import { env } from "@/lib/env";
import { hashTag } from "./routing";

/**
 * Every Redis key name is built here. A sale's keys share the hash tag `{sale-id}` so a
 * Redis Cluster keeps all of them on one shard and the gate scripts can touch them atomically.
 */

const prefix = () => env().REDIS_PREFIX;

export const saleKeys = (saleId: string) => saleKeysFor(prefix(), saleId);

/** A sale's keys under an explicit prefix: for tools that watch another process's Redis (drills). */
export const saleKeysFor = (keyPrefix: string, saleId: string) => {
  const base = `${keyPrefix}sale:{${saleId}}:`;
  return {
    meta: `${base}meta`,
    avail: `${base}avail`,
    holds: `${base}holds`,
    holdinfo: `${base}holdinfo`,
    holder: `${base}holder`,
    buyers: `${base}buyers`,
    sold: `${base}sold`,
    line: `${base}line`,
    seq: `${base}seq`,
    consumed: `${base}consumed`,
    /** Purchase events, read by the order writer (lib/orders/outbox.ts). */
    outbox: `${base}outbox`,
    /** Buy Now presses per shopper in the current and previous window (the per-shopper limit). */
    presses: `${base}presses`,
    /** Every shopper given a hold or a place in line (instances answering presses themselves read it). */
    involved: `${base}involved`,
    /** Failed write attempts per outbox entry (poison entries go to the dead-letter stream). */
    outboxAttempts: `${base}outbox:attempts`,
    /** Per-second outcome counts and latency buckets for the live monitor (lib/metrics/sale-stats.ts). */
    stats: `${base}stats`,
  };
};
export type SaleKeys = ReturnType<typeof saleKeysFor>;

export const keys = {
  /** Outbox entries that failed their bounded retries, with the reason. */
  outboxDead: () => `${prefix()}outbox:dead`,
  cache: (name: string) => `${prefix()}cache:${name}`,
  /** A read-through cache entry, its invalidation counter and its recompute lock share a hash tag. */
  cacheEntry: (name: string, key: string) => `${prefix()}cache:{${name}:${key}}`,
  cacheGen: (name: string, key: string) => `${prefix()}cache-gen:{${name}:${key}}`,
  cacheEntryLock: (name: string, key: string) => `${prefix()}cache-lock:{${name}:${key}}`,
  ratelimit: (policy: string) => `${prefix()}rl:${policy}`,
  /** A user's session version: raised by sign-out and password change (lib/auth/session-version.ts). */
  sessionVersion: (userId: string) => `${prefix()}session-version:${userId}`,
  /**
   * The identifier handed to @upstash/ratelimit: its sliding window keys are
   * `<policy prefix>:<identifier>:<window>`, two windows per call, so the hash tag keeps both on
   * one Redis Cluster slot.
   */
  ratelimitIdentifier: (id: string) => `{${id}}`,
  /** Sales armed in Redis: the outbox worker reads each one's stream. */
  armed: () => `${prefix()}armed`,
  /** Next.js's incremental cache shared by every instance (lib/cache/redis-cache-handler.ts). */
  nextCache: (cacheKey: string) => `${prefix()}next:${cacheKey}`,
  /** When each Next.js cache tag was last revalidated: fields `s:<tag>` (stale) and `e:<tag>` (expired). */
  nextCacheTags: () => `${prefix()}next-tags`,
  /** Written just before a WAIT, on the same slot as `key` (lib/redis/client.ts `replicated`). */
  replicaMarker: (key: string) => `${prefix()}replicated:{${hashTag(key)}}`,
};
