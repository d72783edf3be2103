import { Ratelimit } from "@upstash/ratelimit";
import { redis as defaultRedis, type Redis } from "@/lib/redis/client";
import { env } from "@/lib/env";
import { keys } from "@/lib/redis/keys";
import {
  durationMs,
  POLICIES,
  type LimiterPolicy,
  type LimiterPolicyName,
  type Policy,
  type PolicyName,
} from "./policies";
import { processSingleton } from "@/lib/singleton";
import { between } from "@/lib/jitter";

/**
 * One `Ratelimit` per policy per process (its ephemeral cache then answers repeat offenders
 * without a Redis round trip). A Redis timeout or error applies the policy's `whenUnavailable`.
 */

export type LimitResult =
  | {
      ok: true;
      remaining: number;
      /** Redis did not answer; let through by a fail-open policy. */ degraded?: true;
    }
  | {
      ok: false;
      /** How long until a retry can pass (ms, rounded up). */
      retryAfterMs: number;
      /** When the window resets (ms since epoch). */
      reset: number;
      /** "unavailable": Redis did not answer and the policy fails closed. */
      reason: "limited" | "unavailable";
    };

export type LimiterStats = { allowed: number; limited: number; unavailable: number };

export type Limiter = {
  readonly name: string;
  readonly policy: LimiterPolicy;
  limit(identifier: string): Promise<LimitResult>;
  readonly stats: Readonly<LimiterStats>;
};

/** A fail-closed refusal: short, and jittered so refused clients do not retry in step. */
const unavailableRetryMs = () => between(1_000, 3_000);

export function createLimiter(
  name: string,
  policy: LimiterPolicy,
  options: { redis?: Redis; onUnavailable?: (error: unknown) => void } = {},
): Limiter {
  const rl = new Ratelimit({
    redis: options.redis ?? defaultRedis(),
    limiter: Ratelimit.slidingWindow(policy.limit, policy.window),
    prefix: keys.ratelimit(name),
    ephemeralCache: new Map(),
    timeout: policy.timeoutMs,
    analytics: false,
  });
  const stats: LimiterStats = { allowed: 0, limited: 0, unavailable: 0 };

  function whenUnavailable(error: unknown): LimitResult {
    stats.unavailable++;
    options.onUnavailable?.(error);
    if (policy.whenUnavailable === "open") return { ok: true, remaining: 0, degraded: true };
    const retryAfterMs = unavailableRetryMs();
    return { ok: false, retryAfterMs, reset: Date.now() + retryAfterMs, reason: "unavailable" };
  }

  return {
    name,
    policy,
    stats,
    async limit(identifier) {
      let res: Awaited<ReturnType<typeof rl.limit>>;
      try {
        res = await rl.limit(keys.ratelimitIdentifier(identifier));
      } catch (error) {
        return whenUnavailable(error);
      }
      // On timeout Upstash answers success: true; the policy decides instead.
      if (res.reason === "timeout") return whenUnavailable(new Error(`${name}: Redis timed out`));
      if (res.success) {
        stats.allowed++;
        return { ok: true, remaining: res.remaining };
      }
      stats.limited++;
      // `reset` is an absolute time (ms since epoch), not a duration.
      const retryAfterMs = Math.max(0, Math.ceil(res.reset - Date.now()));
      return { ok: false, retryAfterMs, reset: res.reset, reason: "limited" };
    },
  };
}

// One limiter per policy per process keeps one ephemeral cache and one set of counters.
const limiters = processSingleton("limiters", () => new Map<PolicyName, Limiter>());
const scriptLimits = processSingleton("scriptLimits", () => new Map<PolicyName, ScriptLimit>());

/**
 * RATE_LIMITS="buyNow=5/2s,checkout=20/60s" tunes limits per deployment (and lets the e2e run
 * use a short window so a rate-limited shopper's retry fits in the 3-second promise).
 */
function withOverride<P extends Policy>(name: PolicyName, policy: P): P {
  const o = env().RATE_LIMITS[name];
  return o ? { ...policy, limit: o.limit, window: `${o.windowSeconds} s` } : policy;
}

/** The process-wide limiter for a named policy, created on first use. */
export function limiterFor(policy: LimiterPolicyName): Limiter {
  let l = limiters.get(policy);
  if (!l) {
    l = createLimiter(policy, withOverride(policy, POLICIES[policy]));
    limiters.set(policy, l);
  }
  return l;
}

/** Counts one request by `identifier` (shopper id or IP, as the policy says) against `policy`. */
export const limit = (policy: LimiterPolicyName, identifier: string): Promise<LimitResult> =>
  limiterFor(policy).limit(identifier);

/** A policy the grant script enforces (Buy Now): its numbers, and this process's counts of it. */
export type ScriptLimit = { presses: number; windowMs: number; stats: LimiterStats };

export function scriptLimit(policy: "buyNow"): ScriptLimit {
  let l = scriptLimits.get(policy);
  if (!l) {
    const p = withOverride(policy, POLICIES[policy]);
    l = {
      presses: p.limit,
      windowMs: durationMs(p.window),
      stats: { allowed: 0, limited: 0, unavailable: 0 },
    };
    scriptLimits.set(policy, l);
  }
  return l;
}

export const limiterStats = (): Record<string, LimiterStats> =>
  Object.fromEntries(
    [...limiters, ...scriptLimits].map(([name, l]) => [name, { ...l.stats }] as const),
  );
