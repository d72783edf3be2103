import type { Duration } from "@upstash/ratelimit";

/**
 * Every rate-limit policy, by name. Each one decides on purpose what happens when Redis does not
 * answer within `timeoutMs`: "open" lets the request through, "closed" refuses it.
 */

export type Policy = {
  /** Requests allowed per sliding window. */
  limit: number;
  window: Duration;
  /** What the identifier is: the signed-in shopper's id, or the client IP. */
  by: "shopper" | "ip";
  whenUnavailable: "open" | "closed";
  /** How long to wait for Redis before applying `whenUnavailable`. */
  timeoutMs: number;
};

export const POLICIES = {
  // open: the gate script is atomic and bounded, so an unthrottled click still cannot oversell.
  buyNow: { limit: 10, window: "10 s", by: "shopper", whenUnavailable: "open", timeoutMs: 250 },
  // open: only token holders get this far; refusing them would lose units they already won.
  checkout: { limit: 10, window: "60 s", by: "shopper", whenUnavailable: "open", timeoutMs: 250 },
  // closed: an outage must not become an unthrottled window for password guessing.
  signIn: { limit: 10, window: "60 s", by: "ip", whenUnavailable: "closed", timeoutMs: 1_000 },
  // closed: mass sign-ups are how bots multiply per-shopper limits.
  signUp: { limit: 5, window: "10 m", by: "ip", whenUnavailable: "closed", timeoutMs: 1_000 },
} as const satisfies Record<string, Policy>;

export type PolicyName = keyof typeof POLICIES;
