import type { BuyNowReply, OrderReply } from "@/lib/contract/sale-api";
import type { Answer } from "./answer";
import { BUY_NOW_POLICY, isRetryable, nextRetry, type RetryPolicy } from "./retry";
import type { NetworkError } from "./sale-requests";

/**
 * The browser's retry loops for Buy Now and checkout, free of React and of the network: the
 * request, the clock and the waits are passed in, so tests drive them with a fake clock.
 */

export type Effects = {
  /** Milliseconds on a monotonic clock (performance.now in the browser). */
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
};

export const browserEffects: Effects = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  random: Math.random,
};

/** Time kept at the end of the 3-second promise to answer from what is already known. */
export const FALLBACK_MS = 400;

export type PressOutcome = {
  answer: Answer;
  /** What each attempt got, e.g. ["rate_limited", "secured"]. */
  attempts: string[];
};

/** A reply Buy Now does not retry, as the answer the shopper sees. */
function finalAnswer(r: Exclude<BuyNowReply, { status: "rate_limited" | "unavailable" }>): Answer {
  switch (r.status) {
    case "secured":
      return { status: "secured", expiresAt: r.expiresAt, position: r.position };
    case "in_line":
      return { status: "in_line", position: r.position };
    case "not_started":
      return { status: "not_started", startsAt: r.startsAt };
    case "forbidden":
    case "invalid_request":
      return { status: "not_found" };
    default:
      return { status: r.status };
  }
}

/**
 * One press of Buy Now: retries only retryable answers, with backoff and full jitter, honouring
 * Retry-After, and gives a final answer within the 3-second promise — at the deadline, from what
 * is `known` to be true (the shopper's own hold or place, or the sale's state).
 */
export async function pressBuyNow(
  send: (timeoutMs: number) => Promise<BuyNowReply | NetworkError>,
  known: () => Promise<Answer | null>,
  fx: Effects = browserEffects,
): Promise<PressOutcome> {
  const clickedAt = fx.now();
  const elapsed = () => fx.now() - clickedAt;
  const attempts: string[] = [];
  for (let attempt = 1; ; attempt++) {
    const r = await send(BUY_NOW_POLICY.deadlineMs - FALLBACK_MS - elapsed());
    attempts.push(r.status);
    if (r.status !== "rate_limited" && r.status !== "unavailable" && r.status !== "network_error") {
      if (r.status === "not_started") {
        // Our clock ran a little ahead of the shop's: the start is a known moment, so wait for
        // it (plus a jitter, so early clickers do not return in step) and ask again.
        const wait = r.startsAt - r.serverTime + fx.random() * 100;
        if (wait > 0 && elapsed() + wait + FALLBACK_MS < BUY_NOW_POLICY.deadlineMs) {
          await fx.sleep(wait);
          continue;
        }
      }
      return { answer: finalAnswer(r), attempts };
    }
    const retryAfterMs = r.status === "network_error" ? undefined : r.retryAfterMs;
    const next = nextRetry(
      { attempt, elapsedMs: elapsed(), retryAfterMs, reserveMs: FALLBACK_MS },
      BUY_NOW_POLICY,
      fx.random,
    );
    if (next.retry) {
      await fx.sleep(next.delayMs);
      continue;
    }
    // Out of time for the gate itself: answer from what is known to be true.
    const fallback = await Promise.race([
      known().catch(() => null),
      fx.sleep(FALLBACK_MS - 100).then(() => null),
    ]);
    const wait = retryAfterMs ?? 1_000;
    const answer: Answer =
      fallback ??
      (r.status === "rate_limited"
        ? { status: "rate_limited", retryAfterMs: wait }
        : { status: "busy", retryAfterMs: wait });
    return { answer, attempts };
  }
}

/** Checkout may take longer than Buy Now: the hold, not a 3-second promise, is the limit. */
export const ORDER_POLICY: RetryPolicy = { baseMs: 200, capMs: 2_000, deadlineMs: 15_000 };

/** Places an order, retrying only retryable answers until ORDER_POLICY's deadline. */
export async function placeOrderRetrying(
  send: () => Promise<OrderReply | NetworkError>,
  fx: Effects = browserEffects,
): Promise<OrderReply | NetworkError> {
  const startedAt = fx.now();
  for (let attempt = 1; ; attempt++) {
    const reply = await send();
    if (!isRetryable(reply.status)) return reply;
    const next = nextRetry(
      {
        attempt,
        elapsedMs: fx.now() - startedAt,
        retryAfterMs: "retryAfterMs" in reply ? reply.retryAfterMs : undefined,
      },
      ORDER_POLICY,
      fx.random,
    );
    if (!next.retry) return reply;
    await fx.sleep(next.delayMs);
  }
}
