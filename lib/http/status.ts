import type {
  BuyNowResult,
  CheckoutResult,
  Refusal,
  SaleApiBody,
  Unavailable,
} from "@/lib/contract/sale-api";

/**
 * The HTTP edge's rules, once: which status each answer gets, how Retry-After is rounded, and the
 * "try again shortly" 503. The route handlers, the fast lane and the proxy in front of Next.js
 * all answer through these. Bodies are typed by the contract and built by the server itself, so
 * nothing here parses them.
 */

/** An answer as status, headers and a body from the contract (lib/contract/sale-api.ts). */
export type ApiReply<B extends SaleApiBody = SaleApiBody> = {
  status: number;
  headers: Record<string, string>;
  /** null: no body (a 304). */
  body: B | null;
};

/** Per-shopper answers: never cached anywhere. */
export const NO_STORE = { "cache-control": "private, no-store" };
/** Refusals of a request itself (cross-site, a bad body). */
export const REFUSAL_HEADERS = { "cache-control": "no-store" };

/** Whole seconds for Retry-After: rounded up, and at least 1 (0 invites an immediate retry). */
export const retryAfterSeconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** The answer with `headers`; a 429 or 503 whose body gives a wait says it in Retry-After too. */
export function reply<B extends SaleApiBody>(
  status: number,
  body: B,
  headers: Record<string, string> = NO_STORE,
): ApiReply<B> {
  const wait =
    (status === 429 || status === 503) && "retryAfterMs" in body ? body.retryAfterMs : undefined;
  if (typeof wait !== "number") return { status, headers, body };
  return { status, headers: { ...headers, "retry-after": String(retryAfterSeconds(wait)) }, body };
}

const REFUSAL_STATUS = {
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  invalid_request: 400,
} as const satisfies Record<Refusal["status"], number>;

/** A refusal: its status, unless the cause needs a finer one (413, 415). */
export const refusal = (
  status: Refusal["status"],
  message: string,
  { httpStatus = REFUSAL_STATUS[status], headers = NO_STORE }: RefusalOptions = {},
): ApiReply<Refusal> => reply(httpStatus, { status, message }, headers);
type RefusalOptions = { httpStatus?: number; headers?: Record<string, string> };

/** 503: try again shortly (Redis or PostgreSQL did not answer, or the call was shed). */
export const unavailable = (retryAfterMs = 1000): ApiReply<Unavailable> =>
  reply(503, { status: "unavailable", retryAfterMs });

/** Buy Now: a wait is 429 or 503, an unknown sale 404; every other answer is a 200. */
export function buyNowHttpStatus(r: BuyNowResult): number {
  switch (r.status) {
    case "rate_limited":
      return 429;
    case "unavailable":
      return 503;
    case "not_found":
      return 404;
    default:
      return 200;
  }
}

const CHECKOUT_REFUSED = {
  invalid_token: 400,
  expired: 410,
  forbidden: 403,
  used: 409,
  unavailable: 503,
} as const;

/** Checkout: a new order is 201, a replay of one 200. */
export const checkoutHttpStatus = (r: CheckoutResult): number =>
  r.status === "confirmed" || r.status === "received"
    ? r.replay
      ? 200
      : 201
    : CHECKOUT_REFUSED[r.status];

/** An ApiReply as a web Response (route handlers). */
export function toResponse(r: ApiReply): Response {
  if (r.body === null) return new Response(null, { status: r.status, headers: r.headers });
  return Response.json(r.body, { status: r.status, headers: r.headers });
}

/** The 503 for a web Request's handler. */
export const unavailableResponse = (retryAfterMs = 1000): Response =>
  toResponse(unavailable(retryAfterMs));
