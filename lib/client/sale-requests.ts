import {
  buyNowReplySchema,
  orderReplySchema,
  type BuyNowReply,
  type OrderReply,
} from "@/lib/contract/sale-api";

/**
 * The browser's two writes to the sale API, each answered by a body from the contract, parsed:
 * what does not parse (a proxy's error page, a cut-off body) counts as a network error, which is
 * retried like one.
 */

export type NetworkError = { status: "network_error" };
const NETWORK_ERROR: NetworkError = { status: "network_error" };

/** A 429/503 body without its wait gets it from Retry-After (whole seconds). */
function withWait<R extends { status: string; retryAfterMs?: number }>(r: R, res: Response): R {
  if ((r.status !== "rate_limited" && r.status !== "unavailable") || r.retryAfterMs) return r;
  return { ...r, retryAfterMs: Number(res.headers.get("retry-after") ?? 1) * 1000 };
}

/**
 * Buy Now through the fast lane (the server action is the no-JavaScript path). A request that
 * cannot answer within `timeoutMs` is abandoned: the deadline is the promise.
 */
export async function requestBuyNow(
  saleId: string,
  timeoutMs: number,
): Promise<BuyNowReply | NetworkError> {
  try {
    const res = await fetch(`/api/sales/${saleId}/token`, {
      method: "POST",
      credentials: "same-origin",
      signal: AbortSignal.timeout(Math.max(1, Math.round(timeoutMs))),
    });
    if (res.status === 401) return { status: "unauthenticated", message: "Sign in to buy." };
    const parsed = buyNowReplySchema.safeParse(await res.json());
    return parsed.success ? withWait(parsed.data, res) : NETWORK_ERROR;
  } catch {
    return NETWORK_ERROR;
  }
}

/** Checkout of a purchase token. */
export async function requestOrder(token: string): Promise<OrderReply | NetworkError> {
  try {
    const res = await fetch("/api/orders", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token }),
    });
    const parsed = orderReplySchema.safeParse(await res.json());
    return parsed.success ? withWait(parsed.data, res) : NETWORK_ERROR;
  } catch {
    return NETWORK_ERROR;
  }
}
