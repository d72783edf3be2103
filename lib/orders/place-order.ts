import type { CheckoutResult, RateLimited, Unavailable } from "@/lib/contract/sale-api";
import { metrics } from "@/lib/metrics/registry";
import { recordOutcome } from "@/lib/metrics/sale-stats";
import { limit } from "@/lib/ratelimit/limiter";
import { budget } from "@/lib/resilience/bulkhead";
import { isShed } from "@/lib/resilience/unavailable";
import { checkout } from "./checkout";

export type PlaceOrderResult = CheckoutResult | RateLimited | Unavailable;

/**
 * A shopper's checkout as the JSON API serves it: their checkout limit, then checkout in its own
 * budget (no crowd of presses can fill it, lib/resilience/bulkhead.ts), counted in the metrics
 * and the sale's live monitor. A shed call is load, not a fault: answered, not thrown.
 */
export async function placeOrder(userId: string, token: string): Promise<PlaceOrderResult> {
  const rl = await limit("checkout", userId);
  if (!rl.ok) return { status: "rate_limited", retryAfterMs: rl.retryAfterMs };
  const started = performance.now();
  let result: CheckoutResult;
  try {
    result = await budget("checkout").run(() => checkout(userId, token));
  } catch (error) {
    if (!isShed(error)) throw error;
    return { status: "unavailable", retryAfterMs: error.retryAfterMs };
  }
  const ms = performance.now() - started;
  metrics().checkout.inc({ status: result.status });
  metrics().checkoutSeconds.observe(ms / 1000);
  if ("saleId" in result) recordOutcome(result.saleId, "checkout", ms);
  return result;
}
