import type { Redis } from "@upstash/redis";
import { getOrderForUser, type OrderView } from "@/db/queries";
import { isUuid } from "@/lib/validation/uuid";
import { redis as defaultRedis } from "@/lib/redis/client";
import { saleKeys } from "@/lib/redis/keys";

/**
 * What the order page may say about an order id, for one shopper:
 * - `written`: the order is theirs, in PostgreSQL;
 * - `pending`: checkout took their purchase in Redis and the outbox has not written it yet;
 * - `unknown`: no such order of theirs (absent, malformed, or another shopper's).
 */
export type OrderLookup =
  { status: "written"; order: OrderView } | { status: "pending" } | { status: "unknown" };

/**
 * Who bought `orderId` in `saleId`, or null: the consume script records the order id and its
 * buyer in the same atomic step that puts the purchase in the outbox.
 */
export async function buyerInRedis(
  saleId: string,
  orderId: string,
  r: () => Redis = defaultRedis,
): Promise<string | null> {
  const buyer = await r().hget(saleKeys(saleId).consumed, orderId);
  return buyer === null ? null : String(buyer);
}

/**
 * The sale id comes from the link checkout sent the shopper to: an order id alone does not say
 * which sale's Redis keys hold its purchase. When PostgreSQL does not answer and Redis knows no
 * buyer, neither "no such order" nor "received" is known to be true: it throws.
 */
export async function lookUpOrder(
  orderId: string,
  userId: string,
  saleId?: string,
): Promise<OrderLookup> {
  if (!isUuid(orderId)) return { status: "unknown" };
  let dbFailure: { error: unknown } | undefined;
  try {
    const order = await getOrderForUser(orderId, userId);
    if (order) return { status: "written", order };
  } catch (error) {
    dbFailure = { error };
  }
  // Read after PostgreSQL: an order the outbox writes between the two reads is still in Redis,
  // so it shows as pending once and as written on the next look.
  const buyer = isUuid(saleId) ? await buyerInRedis(saleId, orderId) : null;
  if (buyer === userId) return { status: "pending" };
  if (dbFailure && buyer === null) throw dbFailure.error;
  return { status: "unknown" };
}
