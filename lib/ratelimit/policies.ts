import type { Duration } from "@upstash/ratelimit";

/**
 * Every rate-limit policy, by name. Most run on @upstash/ratelimit (lib/ratelimit/limiter.ts) and
 * decide on purpose what happens when Redis does not answer within `timeoutMs`: "open" lets the
 * request through, "closed" refuses it. Buy Now's runs inside the grant script instead
 * (lib/gate/lua/): one round trip per press on the hottest path, and a press is counted and
 * answered atomically. Without Redis there is no grant either, so it is closed by construction.
 */

type Common = {
  /** Requests allowed per sliding window. */
  limit: number;
  window: Duration;
  /** What the identifier is: the signed-in shopper's id, or the client IP. */
  by: "shopper" | "ip";
};
export type LimiterPolicy = Common & {
  enforcedBy: "ratelimit";
  whenUnavailable: "open" | "closed";
  /** How long to wait for Redis before applying `whenUnavailable`. */
  timeoutMs: number;
};
export type GrantScriptPolicy = Common & { enforcedBy: "grant-script"; whenUnavailable: "closed" };
export type Policy = LimiterPolicy | GrantScriptPolicy;

export const POLICIES = {
  // Per shopper and sale, in the grant script. An unthrottled click could not oversell anyway (the
  // grant is atomic and bounded); the limit keeps one shopper's clicks from crowding the gate.
  buyNow: {
    limit: 10,
    window: "10 s",
    by: "shopper",
    enforcedBy: "grant-script",
    whenUnavailable: "closed",
  },
  // open: only token holders get this far; refusing them would lose units they already won.
  checkout: {
    limit: 10,
    window: "60 s",
    by: "shopper",
    enforcedBy: "ratelimit",
    whenUnavailable: "open",
    timeoutMs: 250,
  },
  // closed: an outage must not become an unthrottled window for password guessing.
  signIn: {
    limit: 10,
    window: "60 s",
    by: "ip",
    enforcedBy: "ratelimit",
    whenUnavailable: "closed",
    timeoutMs: 1_000,
  },
  // closed: mass sign-ups are how bots multiply per-shopper limits.
  signUp: {
    limit: 5,
    window: "10 m",
    by: "ip",
    enforcedBy: "ratelimit",
    whenUnavailable: "closed",
    timeoutMs: 1_000,
  },
} as const satisfies Record<string, Policy>;

export type PolicyName = keyof typeof POLICIES;
export type LimiterPolicyName = {
  [K in PolicyName]: (typeof POLICIES)[K] extends { enforcedBy: "ratelimit" } ? K : never;
}[PolicyName];

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** "10 s" → 10000: @upstash/ratelimit's Duration, in milliseconds. */
export function durationMs(d: Duration): number {
  const m = /^(\d+)\s?(ms|s|m|h|d)$/.exec(d);
  if (!m) throw new Error(`not a duration: ${d}`);
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}
