import { eq } from "drizzle-orm";
import type { CheckoutResult } from "@/lib/contract/sale-api";
import { db } from "@/db";
import { orders } from "@/db/schema";
import { withArming } from "@/lib/gate/arm";
import { gate, orderIdFor } from "@/lib/gate/gate";
import { log } from "@/lib/log";
import { budget } from "@/lib/resilience/bulkhead";
import { isShed } from "@/lib/resilience/unavailable";
import { redis, replicated } from "@/lib/redis/client";
import { saleKeys } from "@/lib/redis/keys";
import { verifyPurchaseToken } from "@/lib/tokens/purchase-token";
import { writeOrder } from "./write-order";
import { withDeadline } from "@/lib/resilience/timeout";

/**
 * Checkout: verify the token → consume the hold in Redis (atomic, single use; the purchase
 * event lands in the sale's outbox stream in the same step) → write the order to PostgreSQL.
 * If PostgreSQL is slow or down the shopper still gets "received": the outbox worker writes
 * the order later, exactly once.
 */

export type { CheckoutResult };

/**
 * How long a checkout waits for PostgreSQL before leaving the order to the outbox worker and
 * answering "received" (true either way: the purchase is in Redis and its outbox). Every order of
 * a sale bumps the same `sales` row, so in a drop PostgreSQL writes them one at a time; a winner's
 * checkout must not wait in that queue, nor hold a checkout slot while it does. For the same
 * reason only a few checkouts per process write at once (budget `orderWrite`); the others leave
 * their order to the worker without waiting.
 */
const PG_WRITE_TIMEOUT_MS = 250;

async function orderInDb(orderId: string): Promise<boolean> {
  try {
    const rows = await withDeadline(
      db().select({ id: orders.id }).from(orders).where(eq(orders.id, orderId)).limit(1),
      PG_WRITE_TIMEOUT_MS,
    );
    return rows.length > 0;
  } catch {
    return false;
  }
}

export async function checkout(userId: string, token: unknown): Promise<CheckoutResult> {
  const verified = await verifyPurchaseToken(token);
  if (!verified.ok) {
    if (verified.reason === "expired")
      return {
        status: "expired",
        message: "Your hold has expired. The unit went back to the sale.",
      };
    return { status: "invalid_token", message: "That purchase token is not valid." };
  }
  const { saleId, holdId } = verified.claims;
  if (verified.claims.userId !== userId)
    return { status: "forbidden", message: "That purchase token belongs to another shopper." };
  const orderId = orderIdFor(saleId, holdId);

  let reply;
  try {
    reply = await withArming(saleId, () => gate.consume(saleId, userId, holdId));
  } catch (error) {
    log.error({ err: error, saleId }, "checkout: gate unavailable");
    return {
      status: "unavailable",
      message: "Checkout is busy. Try again in a moment; your hold is kept.",
      retryAfterMs: 1_000,
    };
  }

  // Neither the order nor "received" may rest on a purchase a shard failover could still lose:
  // the retry finds it consumed and asks again.
  const durable = async () => replicated(saleKeys(saleId).meta);
  const notYet: CheckoutResult = {
    status: "unavailable",
    message: "Checkout is busy. Try again in a moment; your hold is kept.",
    retryAfterMs: 500,
  };

  switch (reply.s) {
    case "consumed":
      if (!(await durable())) return notYet;
      try {
        await budget("orderWrite").run(() =>
          withDeadline(writeOrder({ saleId, holdId, userId, orderId }), PG_WRITE_TIMEOUT_MS),
        );
        // Written: the worker need not see this entry (if it already did, its write is a no-op).
        await redis()
          .xdel(saleKeys(saleId).outbox, reply.entry)
          .catch(() => {});
        return { status: "confirmed", orderId, saleId, replay: false };
      } catch (error) {
        if (!isShed(error))
          log.warn({ err: error, saleId, orderId }, "checkout: order left to the outbox");
        return { status: "received", orderId, saleId, replay: false };
      }
    case "already_consumed": {
      const written = await orderInDb(orderId);
      if (!written && !(await durable())) return notYet;
      return { status: written ? "confirmed" : "received", orderId, saleId, replay: true };
    }
    case "not_yours":
      return { status: "forbidden", message: "That purchase token belongs to another shopper." };
    case "expired":
      return {
        status: "expired",
        message: "Your hold has expired. The unit went back to the sale.",
      };
    case "no_hold":
    case "not_armed":
      return {
        status: "used",
        message: "That purchase token is no longer valid: its hold was released or used.",
      };
  }
}
