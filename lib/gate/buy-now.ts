import type { BuyNowResult } from "@/lib/contract/sale-api";
import { log } from "@/lib/log";
import { metrics } from "@/lib/metrics/registry";
import { recordOutcome } from "@/lib/metrics/sale-stats";
import { scriptLimit } from "@/lib/ratelimit/limiter";
import { replicated } from "@/lib/redis/client";
import { saleKeys } from "@/lib/redis/keys";
import { budget } from "@/lib/resilience/bulkhead";
import { isShed } from "@/lib/resilience/unavailable";
import { signPurchaseToken } from "@/lib/tokens/purchase-token";
import { withArming } from "./arm";
import { gate } from "./gate";
import { between } from "@/lib/jitter";
import { isUuid } from "@/lib/validation/uuid";

/**
 * Buy Now, the one implementation behind the server action, the JSON route and the fast
 * lane: per-instance gate budget (shed, never queue) → one atomic script in Redis that counts
 * the press against the shopper's limit and grants → a signed purchase token. Every answer is a
 * value of this union.
 */

export type { BuyNowResult };

/** What a call to buyNow cost: gate calls sent to Redis, and when the last reply came back. */
export type PressCost = { redisCalls: number; replyAt: number };

/** Counts an answer in the metrics and the sale's live monitor. */
export function recordBuyNow(saleId: string, result: BuyNowResult, ms: number): void {
  const m = metrics();
  m.buyNow.inc({ status: result.status });
  m.buyNowSeconds.observe(ms / 1000);
  if (result.status !== "not_found") recordOutcome(saleId, result.status, ms);
}

/** `requestId` is for log lines, where no withRequestId context carries one (the fast lane). */
export async function buyNow(
  saleId: string,
  userId: string,
  requestId?: string,
  cost?: PressCost,
): Promise<BuyNowResult> {
  const started = performance.now();
  const result = await decide(saleId, userId, requestId, cost);
  recordBuyNow(saleId, result, performance.now() - started);
  return result;
}

/**
 * Shoppers the grant script refused for pressing too often, until their wait is over: answered
 * here without a Redis call, as @upstash/ratelimit's ephemeral cache does for the other limits,
 * so a shopper (or bot) hammering Buy Now costs Redis one refusal per window. Bounded: cleared
 * when it grows past REFUSED_MAX.
 */
const refused = new Map<string, number>();
const REFUSED_MAX = 50_000;

async function decide(
  saleId: string,
  userId: string,
  requestId: string | undefined,
  cost: PressCost | undefined,
): Promise<BuyNowResult> {
  if (!isUuid(saleId)) return { status: "not_found" };
  const presses = scriptLimit("buyNow");
  const refusedKey = `${saleId} ${userId}`;
  const until = refused.get(refusedKey);
  if (until !== undefined) {
    const wait = until - Date.now();
    if (wait > 0) {
      presses.stats.limited++;
      return { status: "rate_limited", retryAfterMs: wait };
    }
    refused.delete(refusedKey);
  }
  let reply;
  try {
    // Arming (a PostgreSQL read, once per process) waits outside the budget: slots are for Redis calls.
    reply = await withArming(saleId, () =>
      budget("gate").run(() => {
        if (cost) cost.redisCalls++;
        return gate.grant(saleId, userId, presses);
      }),
    );
    if (cost) cost.replyAt = performance.now();
  } catch (error) {
    if (cost) cost.replyAt = performance.now();
    if (isShed(error))
      return { status: "unavailable", retryAfterMs: error.retryAfterMs, reason: "busy" };
    presses.stats.unavailable++;
    log.error({ err: error, saleId, requestId }, "buy-now: gate call failed");
    return { status: "unavailable", retryAfterMs: between(500, 1500), reason: "error" };
  }
  if (reply.s === "rate_limited") {
    presses.stats.limited++;
    if (refused.size >= REFUSED_MAX) refused.clear();
    refused.set(refusedKey, Date.now() + reply.retryAfterMs);
    return { status: "rate_limited", retryAfterMs: reply.retryAfterMs };
  }
  if (reply.s !== "not_armed") presses.stats.allowed++;
  switch (reply.s) {
    case "secured":
      // A hold a failover could lose is not promised: the retry gets the same hold back.
      if (!(await replicated(saleKeys(saleId).meta)))
        return { status: "unavailable", retryAfterMs: between(200, 700), reason: "error" };
      return {
        status: "secured",
        saleId,
        token: signPurchaseToken({
          userId,
          saleId,
          holdId: reply.hold,
          expiresAt: reply.exp,
        }),
        expiresAt: reply.exp,
        position: reply.pos,
        serverTime: reply.now,
      };
    case "in_line":
      return { status: "in_line", position: reply.pos, serverTime: reply.now };
    case "sold_out":
    case "ended":
    case "already_purchased":
      return { status: reply.s };
    case "not_started":
      return { status: "not_started", startsAt: reply.startsAt, serverTime: reply.now };
    case "paused":
      return { status: "unavailable", retryAfterMs: between(3000, 6000), reason: "paused" };
    case "not_armed":
      return { status: "not_found" };
  }
}
