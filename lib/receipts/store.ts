import { sql } from "drizzle-orm";
import type { PoolClient } from "pg";
import type { Db } from "@/db";
import { env } from "@/lib/env";
import { receiptMessageId, type ReceiptOrder } from "./compose";
import { addressOf } from "./smtp-settings";

/** The receipts table's reads and writes (db/schema.ts `receipts`). */

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/** Called in the order's own transaction: an order is never written without its receipt to send. */
export async function queueReceipt(tx: Tx, orderId: string): Promise<void> {
  const messageId = receiptMessageId(orderId, addressOf(env().MAIL_FROM));
  await tx.execute(
    sql`insert into receipts (order_id, message_id) values (${orderId}::uuid, ${messageId}) on conflict do nothing`,
  );
}

export type TakenReceipt = ReceiptOrder & {
  messageId: string;
  recipient: string;
  attempts: number;
};

/**
 * In the caller's open transaction: locks one due receipt (skipping those other senders hold) and
 * marks it sent, uncommitted. Committing makes it sent; a rollback, or the sender's connection
 * dropping, gives it back. The recipient is the buyer's account email; an order that carries an
 * address of its own for the receipt is read here and nowhere else.
 */
export async function takeOne(client: PoolClient): Promise<TakenReceipt | null> {
  const { rows } = await client.query(`
    with due as (
      select r.order_id from receipts r
      where r.status = 'pending' and r.next_attempt_at <= now()
      order by r.next_attempt_at
      limit 1
      for update of r skip locked
    )
    update receipts r
    set status = 'sent', sent_at = now(), recipient = u.email
    from due, orders o, users u, sales s, products p
    where r.order_id = due.order_id and o.id = r.order_id and u.id = o.user_id
      and s.id = o.sale_id and p.id = s.product_id
    returning r.order_id, r.message_id, r.attempts, u.email, o.sale_id, o.quantity,
      o.price_cents, o.created_at, p.name`);
  const r = rows[0] as
    | {
        order_id: string;
        message_id: string;
        attempts: number;
        email: string;
        sale_id: string;
        quantity: number;
        price_cents: number;
        created_at: Date;
        name: string;
      }
    | undefined;
  if (!r) return null;
  return {
    orderId: r.order_id,
    messageId: r.message_id,
    attempts: r.attempts,
    recipient: r.email,
    saleId: r.sale_id,
    quantity: r.quantity,
    priceCents: r.price_cents,
    orderedAt: r.created_at,
    productName: r.name,
  };
}

/**
 * A send that did not happen, or that the server refused at the final ".": pending again, tried
 * after `retryInMs`. A refusal (`refused`: a 5xx) counts toward `maxAttempts`, after which the
 * receipt is `failed`; an unreachable server does not, so an outage never gives up on a receipt.
 */
export async function recordFailure(
  client: PoolClient,
  orderId: string,
  o: { error: string; retryInMs: number; refused: boolean; maxAttempts: number },
): Promise<"retry" | "failed"> {
  const { rows } = await client.query(
    `update receipts
     set attempts = attempts + $3::int,
         status = case when attempts + $3::int >= $4 then 'failed' else 'pending' end,
         sent_at = null,
         next_attempt_at = now() + make_interval(secs => $5::float8 / 1000),
         last_error = $2
     where order_id = $1
     returning status`,
    [orderId, o.error.slice(0, 500), o.refused ? 1 : 0, o.maxAttempts, o.retryInMs],
  );
  return (rows[0] as { status: string } | undefined)?.status === "failed" ? "failed" : "retry";
}
