import { liveUserFromCookieHeader, readLiveSession } from "@/lib/auth/live-session";
import type { SessionUser } from "@/lib/auth/session-claims";
import { readSession, type SessionRead } from "@/lib/auth/session-cookie";
import { isCurrentSession } from "@/lib/auth/session-version";
import type {
  BuyNowReply,
  BuyNowResult,
  MyStateReply,
  OrderReply,
  SaleStateReply,
  ServerTimeReply,
} from "@/lib/contract/sale-api";
import { answersLocally, press, pressRefused, screenPress } from "@/lib/gate/press";
import { withArming } from "@/lib/gate/arm";
import { gate } from "@/lib/gate/gate";
import { getPublicState } from "@/lib/gate/public-state";
import { log } from "@/lib/log";
import { redis } from "@/lib/redis/client";
import { placeOrder } from "@/lib/orders/place-order";
import { isShed } from "@/lib/resilience/unavailable";
import { signPurchaseToken } from "@/lib/tokens/purchase-token";
import { isUuid } from "@/lib/validation/uuid";
import {
  buyNowHttpStatus,
  checkoutHttpStatus,
  refusal,
  reply,
  unavailable,
  type ApiReply,
} from "./status";

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
const unauthenticated = () => refusal("unauthenticated", "Sign in to take part in the sale.");
const notFound = () => refusal("not_found", "No such sale.");
/** 503: Redis did not answer, or a lookup was shed (load, not a fault, so not logged as one). */
function gateUnavailable(error: unknown, saleId: string, what: string, req: ApiRequest) {
  if (isShed(error)) return unavailable(error.retryAfterMs);
  log.error({ err: error, saleId, requestId: req.requestId }, `${what}: Redis unavailable`);
  return unavailable();
}

/**
 * The reply, carrying the lane ticket the session read made (lib/auth/lane-ticket.ts) when the
 * request came without a valid one: the shopper's next request to a hot route, on any instance,
 * is then vouched for by one HMAC instead of a decrypt. ApiReply's headers hold one value per
 * name, so this is the only cookie an answer may set.
 */
function withSetCookie<B extends MyStateReply>(session: SessionRead, r: ApiReply<B>): ApiReply<B> {
  if (!session.setCookie) return r;
  return { ...r, headers: { ...r.headers, "set-cookie": session.setCookie } };
}

/**
 * POST /api/sales/{id}/token. Shedding and the press limit come before the session is read, and
 * a sale with nothing left to give is answered without Redis, even to ask whether the session
 * was ended since (lib/gate/press.ts).
 */
export async function postToken(saleId: string, req: ApiRequest): Promise<ApiReply<BuyNowReply>> {
  const started = performance.now();
  const screened = screenPress(saleId, req.cookie, started);
  if (screened?.status === "unauthenticated") return unauthenticated();
  let result: BuyNowResult;
  if (screened) result = screened;
  else {
    // A sale this process answers itself needs the shopper once, not kept (readSession).
    const user = (await readSession(req.cookie, { keep: !answersLocally(saleId) }))?.user;
    const pressed = user
      ? await press(
          saleId,
          user.id,
          () => isCurrentSession(user.id, user.sv),
          req.requestId,
          started,
        )
      : null;
    if (!pressed) {
      pressRefused(saleId, req.cookie);
      return unauthenticated();
    }
    result = pressed;
    // A press before the start grants nothing: it must not use up the shopper's presses for the
    // drop (the grant script does not count it either).
    if (result.status === "not_started") pressRefused(saleId, req.cookie);
  }
  if (result.status === "not_found") return notFound();
  return reply(buyNowHttpStatus(result), result);
}

/** GET /api/sales/{id}: public, micro-cached, CDN-cacheable for a second, with a weak ETag. */
export async function getSaleState(
  saleId: string,
  req: ApiRequest,
): Promise<ApiReply<SaleStateReply>> {
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
  return reply(200, entry.state, headers);
}

/**
 * GET /api/time: the shop's clock (Redis `TIME`, the clock the gate opens and closes sales by),
 * never cached anywhere: the browser's countdown is set from these samples, and a cached or
 * 304-revalidated body would carry an old time.
 */
export async function getServerTime(req: ApiRequest): Promise<ApiReply<ServerTimeReply>> {
  let t: [number, number];
  try {
    t = await redis().time();
  } catch (error) {
    log.error({ err: error, requestId: req.requestId }, "server time: Redis unavailable");
    return unavailable();
  }
  return reply(200, { serverTime: Number(t[0]) * 1000 + Math.floor(Number(t[1]) / 1000) });
}

/** GET /api/sales/{id}/me: the shopper's own hold (with its token) or place in line. */
export async function getMyState(saleId: string, req: ApiRequest): Promise<ApiReply<MyStateReply>> {
  const session = await readLiveSession(req.cookie, true);
  if (!session) return unauthenticated();
  return withSetCookie(session, await myState(saleId, session.user, req));
}

async function myState(
  saleId: string,
  user: SessionUser,
  req: ApiRequest,
): Promise<ApiReply<MyStateReply>> {
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
    return reply(200, {
      ...base,
      status: "holding",
      token,
      expiresAt: st.exp,
      position: st.pos ?? 0,
    });
  }
  if (st.linePos) return reply(200, { ...base, status: "in_line", position: st.linePos });
  if ((st.bought ?? 0) > 0) return reply(200, { ...base, status: "purchased" });
  return reply(200, { ...base, status: "none" });
}

/** POST /api/orders with { token } */
export async function postOrder(req: ApiRequest): Promise<ApiReply<OrderReply>> {
  const user = await liveUserFromCookieHeader(req.cookie);
  if (!user) return unauthenticated();
  const token = tokenOf(req.body);
  if (token === null)
    return refusal("invalid_request", 'Send JSON like { "token": "<purchase token>" }.');
  const result = await placeOrder(user.id, token);
  switch (result.status) {
    case "rate_limited":
      return reply(429, result);
    case "unavailable":
      return reply(503, result);
    default:
      return reply(checkoutHttpStatus(result), result);
  }
}

/** The purchase token of a `{ "token": "…" }` body, or null for any other body. */
function tokenOf(body: unknown): string | null {
  if (typeof body !== "object" || body === null || !("token" in body)) return null;
  return typeof body.token === "string" ? body.token : null;
}
