import { liveUserFromCookieHeader, readLiveSession } from "@/lib/auth/live-session";
import type { SessionUser } from "@/lib/auth/session-claims";
import type { SessionRead } from "@/lib/auth/session-cookie";
import { buyNowHttpStatus, isUuid, type BuyNowResult } from "@/lib/gate/buy-now";
import { press, pressRefused, screenPress } from "@/lib/gate/press";
import { withArming } from "@/lib/gate/arm";
import { gate } from "@/lib/gate/gate";
import { getPublicState } from "@/lib/gate/public-state";
import { log } from "@/lib/log";
import { redis } from "@/lib/redis/client";
import { metrics } from "@/lib/metrics/registry";
import { recordOutcome } from "@/lib/metrics/sale-stats";
import { checkout, checkoutHttpStatus } from "@/lib/orders/checkout";
import { limit } from "@/lib/ratelimit/limiter";
import { budget } from "@/lib/resilience/bulkhead";
import { isShed } from "@/lib/resilience/unavailable";
import { signPurchaseToken } from "@/lib/tokens/purchase-token";

/**
 * The sale API as plain functions from a small request description to status, headers and a
 * JSON body. Next.js route handlers and the fast-lane server are two thin adapters over these,
 * so every rule (auth, limits, status codes, caching headers) exists once.
 */

export type ApiRequest = {
  cookie?: string | null;
  ifNoneMatch?: string | null;
  body?: unknown;
  /**
   * For log lines. The fast lane passes it here; the route handlers run inside withRequestId,
   * whose AsyncLocalStorage the logger reads (the fast-lane process keeps no such store: once
   * one is in use, every promise in the process pays for it).
   */
  requestId?: string;
};
export type ApiReply = { status: number; headers: Record<string, string>; body: unknown };

const NO_STORE = { "cache-control": "private, no-store" };
const json = (
  status: number,
  body: unknown,
  headers: Record<string, string> = NO_STORE,
): ApiReply => ({ status, headers, body });
const retryAfter = (ms: number) => String(Math.max(1, Math.ceil(ms / 1000)));
const unauthenticated = () =>
  json(401, { status: "unauthenticated", message: "Sign in to take part in the sale." });
const notFound = () => json(404, { status: "not_found", message: "No such sale." });
/** 503: Redis did not answer, or a lookup was shed (load, not a fault, so not logged as one). */
function gateUnavailable(error: unknown, saleId: string, what: string, req: ApiRequest): ApiReply {
  const ms = isShed(error) ? error.retryAfterMs : 1000;
  if (!isShed(error))
    log.error({ err: error, saleId, requestId: req.requestId }, `${what}: Redis unavailable`);
  return json(
    503,
    { status: "unavailable", retryAfterMs: ms },
    { ...NO_STORE, "retry-after": retryAfter(ms) },
  );
}

/**
 * The reply, carrying the lane ticket the session read made (lib/auth/lane-ticket.ts) when the
 * request came without a valid one: the shopper's next request to a hot route, on any instance,
 * is then vouched for by one HMAC instead of a decrypt. ApiReply's headers hold one value per
 * name, so this is the only cookie an answer may set.
 */
function withSetCookie(session: SessionRead, reply: ApiReply): ApiReply {
  if (!session.setCookie) return reply;
  return { ...reply, headers: { ...reply.headers, "set-cookie": session.setCookie } };
}

/**
 * POST /api/sales/{id}/token. Shedding and the press limit come before the session is read, and
 * a sale with nothing left to give is answered without Redis (lib/gate/press.ts).
 */
export async function postToken(saleId: string, req: ApiRequest): Promise<ApiReply> {
  const started = performance.now();
  const screened = screenPress(saleId, req.cookie, started);
  if (screened?.status === "unauthenticated") return unauthenticated();
  let result: BuyNowResult;
  if (screened) result = screened;
  else {
    const user = await liveUserFromCookieHeader(req.cookie);
    if (!user) {
      pressRefused(saleId, req.cookie);
      return unauthenticated();
    }
    result = await press(saleId, user.id, req.requestId, started);
    // A press before the start grants nothing: it must not use up the shopper's presses for the
    // drop (the grant script does not count it either).
    if (result.status === "not_started") pressRefused(saleId, req.cookie);
  }
  const headers: Record<string, string> = { ...NO_STORE };
  if (result.status === "rate_limited" || result.status === "unavailable")
    headers["retry-after"] = retryAfter(result.retryAfterMs);
  if (result.status === "not_found") return notFound();
  return json(buyNowHttpStatus(result), result, headers);
}

/** GET /api/sales/{id}: public, micro-cached, CDN-cacheable for a second, with a weak ETag. */
export async function getSaleState(saleId: string, req: ApiRequest): Promise<ApiReply> {
  if (!isUuid(saleId)) return notFound();
  let entry;
  try {
    entry = await getPublicState(saleId);
  } catch (error) {
    return gateUnavailable(error, saleId, "sale state", req);
  }
  if (!entry.state) return notFound();
  const headers = {
    "cache-control": "public, max-age=0, s-maxage=1, stale-while-revalidate=5",
    etag: entry.etag,
  };
  if (req.ifNoneMatch && req.ifNoneMatch.split(",").some((t) => t.trim() === entry.etag))
    return { status: 304, headers, body: null };
  return json(200, entry.state, headers);
}

/**
 * GET /api/time: the shop's clock (Redis `TIME`, the clock the gate opens and closes sales by),
 * never cached anywhere: the browser's countdown is set from these samples, and a cached or
 * 304-revalidated body would carry an old time.
 */
export async function getServerTime(req: ApiRequest): Promise<ApiReply> {
  let t: [number, number];
  try {
    t = await redis().time();
  } catch (error) {
    log.error({ err: error, requestId: req.requestId }, "server time: Redis unavailable");
    return json(
      503,
      { status: "unavailable", retryAfterMs: 1000 },
      { ...NO_STORE, "retry-after": "1" },
    );
  }
  return json(200, { serverTime: Number(t[0]) * 1000 + Math.floor(Number(t[1]) / 1000) });
}

/** GET /api/sales/{id}/me: the shopper's own hold (with its token) or place in line. */
export async function getMyState(saleId: string, req: ApiRequest): Promise<ApiReply> {
  const session = await readLiveSession(req.cookie, true);
  if (!session) return unauthenticated();
  return withSetCookie(session, await myState(saleId, session.user, req));
}

async function myState(saleId: string, user: SessionUser, req: ApiRequest): Promise<ApiReply> {
  if (!isUuid(saleId)) return notFound();
  let st;
  try {
    st = await withArming(saleId, () => gate.state(saleId, user.id));
  } catch (error) {
    return gateUnavailable(error, saleId, "my state", req);
  }
  if (st.s !== "ok") return notFound();
  const base = { saleId, serverTime: st.now, bought: st.bought ?? 0, limit: st.limit };
  if (st.hold && st.exp) {
    const token = signPurchaseToken({
      userId: user.id,
      saleId,
      holdId: st.hold,
      expiresAt: st.exp,
    });
    return json(200, {
      ...base,
      status: "holding",
      token,
      expiresAt: st.exp,
      position: st.pos ?? 0,
    });
  }
  if (st.linePos) return json(200, { ...base, status: "in_line", position: st.linePos });
  if ((st.bought ?? 0) > 0) return json(200, { ...base, status: "purchased" });
  return json(200, { ...base, status: "none" });
}

/** POST /api/orders with { token } */
export async function postOrder(req: ApiRequest): Promise<ApiReply> {
  const user = await liveUserFromCookieHeader(req.cookie);
  if (!user) return unauthenticated();
  const body = req.body;
  if (
    typeof body !== "object" ||
    body === null ||
    Array.isArray(body) ||
    typeof (body as { token?: unknown }).token !== "string"
  ) {
    return json(400, {
      status: "invalid_request",
      message: 'Send JSON like { "token": "<purchase token>" }.',
    });
  }
  const rl = await limit("checkout", user.id);
  if (!rl.ok)
    return json(
      429,
      { status: "rate_limited", retryAfterMs: rl.retryAfterMs },
      { ...NO_STORE, "retry-after": retryAfter(rl.retryAfterMs) },
    );
  const started = performance.now();
  let result;
  try {
    // Its own budget: no crowd of presses can fill it (lib/resilience/bulkhead.ts).
    result = await budget("checkout").run(() =>
      checkout(user.id, (body as { token: string }).token),
    );
  } catch (error) {
    if (!isShed(error)) throw error;
    return gateUnavailable(error, "", "checkout", req);
  }
  const ms = performance.now() - started;
  metrics().checkout.inc({ status: result.status });
  metrics().checkoutSeconds.observe(ms / 1000);
  if ("saleId" in result) recordOutcome(result.saleId, "checkout", ms);
  const headers: Record<string, string> = { ...NO_STORE };
  if (result.status === "unavailable") headers["retry-after"] = retryAfter(result.retryAfterMs);
  const status =
    result.status === "confirmed" || result.status === "received"
      ? result.replay
        ? 200
        : 201
      : checkoutHttpStatus[result.status];
  return json(status, result, headers);
}
