import "@/lib/validation/zod-jitless";
import { z } from "zod";

/**
 * The sale API's contract: every body its routes answer with, as zod schemas, and the types
 * inferred from them. The server builds these bodies itself and only imports the types (no
 * parsing on the hot path); the browser and the herd parse what arrives from the network.
 */

const ms = z.number();

// ---- Answers any route may give ----

/** 401, 403 (cross-site), 404, 400/413/415 (a bad body): a status and a sentence. */
export const refusalSchema = z.object({
  status: z.enum(["unauthenticated", "forbidden", "not_found", "invalid_request"]),
  message: z.string(),
});
export type Refusal = z.infer<typeof refusalSchema>;

export const rateLimitedSchema = z.object({ status: z.literal("rate_limited"), retryAfterMs: ms });
export type RateLimited = z.infer<typeof rateLimitedSchema>;

/** 503: try again shortly. `reason` only where Buy Now knows it. */
export const unavailableSchema = z.object({
  status: z.literal("unavailable"),
  retryAfterMs: ms,
  reason: z.enum(["busy", "paused", "error"]).optional(),
});
export type Unavailable = z.infer<typeof unavailableSchema>;

// ---- POST /api/sales/{id}/token: Buy Now ----

export const buyNowResultSchema = z.discriminatedUnion("status", [
  z.object({
    status: z.literal("secured"),
    saleId: z.string(),
    token: z.string(),
    expiresAt: ms,
    position: z.number(),
    serverTime: ms,
  }),
  z.object({ status: z.literal("in_line"), position: z.number(), serverTime: ms }),
  z.object({ status: z.literal("sold_out") }),
  z.object({ status: z.literal("not_started"), startsAt: ms, serverTime: ms }),
  z.object({ status: z.literal("ended") }),
  z.object({ status: z.literal("already_purchased") }),
  rateLimitedSchema,
  unavailableSchema.required({ reason: true }),
  z.object({ status: z.literal("not_found") }),
]);
/** Every answer Buy Now gives, in the server action, the JSON route and the fast lane alike. */
export type BuyNowResult = z.infer<typeof buyNowResultSchema>;

export const buyNowReplySchema = z.union([buyNowResultSchema, refusalSchema, unavailableSchema]);
export type BuyNowReply = z.infer<typeof buyNowReplySchema>;

// ---- GET /api/sales/{id}: the public state ----

export const saleStateSchema = z.object({
  id: z.string(),
  status: z.enum(["upcoming", "live", "paused", "sold_out", "ended"]),
  startsAt: z.string(),
  endsAt: z.string(),
  stock: z.number(),
  available: z.number(),
  held: z.number(),
  sold: z.number(),
  inLine: z.number(),
  serverTime: ms,
});
export type PublicSaleState = z.infer<typeof saleStateSchema>;
export type SaleStateReply = PublicSaleState | Refusal | Unavailable;

// ---- GET /api/sales/{id}/me: the shopper's own state ----

const mine = { saleId: z.string(), serverTime: ms, bought: z.number(), limit: z.number() };
export const myStateSchema = z.discriminatedUnion("status", [
  z.object({
    ...mine,
    status: z.literal("holding"),
    token: z.string(),
    expiresAt: ms,
    position: z.number(),
  }),
  z.object({ ...mine, status: z.literal("in_line"), position: z.number() }),
  z.object({ ...mine, status: z.literal("purchased") }),
  z.object({ ...mine, status: z.literal("none") }),
]);
export type MyState = z.infer<typeof myStateSchema>;
export type MyStateReply = MyState | Refusal | Unavailable;

// ---- GET /api/time ----

export const serverTimeSchema = z.object({ serverTime: ms });
export type ServerTime = z.infer<typeof serverTimeSchema>;
export type ServerTimeReply = ServerTime | Unavailable;

// ---- POST /api/orders: checkout ----

export const checkoutResultSchema = z.discriminatedUnion("status", [
  z.object({
    status: z.enum(["confirmed", "received"]),
    orderId: z.string(),
    saleId: z.string(),
    replay: z.boolean(),
  }),
  z.object({
    status: z.enum(["invalid_token", "expired", "forbidden", "used"]),
    message: z.string(),
  }),
  unavailableSchema.extend({ message: z.string() }),
]);
/** What checkout of a purchase token comes to (lib/orders/checkout.ts). */
export type CheckoutResult = z.infer<typeof checkoutResultSchema>;

export const orderReplySchema = z.union([
  checkoutResultSchema,
  refusalSchema,
  rateLimitedSchema,
  unavailableSchema,
]);
export type OrderReply = z.infer<typeof orderReplySchema>;

/** Every body the sale API sends. */
export type SaleApiBody =
  BuyNowReply | SaleStateReply | MyStateReply | ServerTimeReply | OrderReply;
