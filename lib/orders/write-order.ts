import { sql } from "drizzle-orm";
import { db } from "@/db";
import { queueReceipt } from "@/lib/receipts/store";

export type PurchaseEvent = { saleId: string; holdId: string; userId: string; orderId: string };

/** PostgreSQL refused the order because the sale is already sold out in the database. */
export class OversellRefused extends Error {
  constructor(saleId: string) {
    super(`sale ${saleId} has no unit left in PostgreSQL; order refused`);
    this.name = "OversellRefused";
  }
}

/**
 * Writes one purchase as an order, exactly once: the order id and token id come from the hold,
 * so a retry (checkout again, or the outbox worker after checkout) inserts nothing. The same
 * transaction counts the unit in `sales.sold` only while `sold < stock`, and queues the order's
 * receipt email (lib/receipts).
 * Returns "created" or "exists".
 */
export async function writeOrder(e: PurchaseEvent): Promise<"created" | "exists"> {
  return db().transaction(async (tx) => {
    const inserted = await tx.execute(sql`
      insert into orders (id, sale_id, user_id, token_id, quantity, price_cents, status)
      select ${e.orderId}::uuid, s.id, ${e.userId}, ${e.holdId}, 1, p.price_cents, 'confirmed'
      from sales s join products p on p.id = s.product_id
      where s.id = ${e.saleId}::uuid
      on conflict do nothing
      returning id`);
    if (inserted.rows.length === 0) {
      const existing = await tx.execute(sql`select 1 from orders where token_id = ${e.holdId}`);
      if (existing.rows.length > 0) return "exists";
      throw new Error(`sale ${e.saleId} does not exist`);
    }
    const bumped = await tx.execute(
      sql`update sales set sold = sold + 1 where id = ${e.saleId}::uuid and sold < stock returning sold`,
    );
    if (bumped.rows.length === 0) throw new OversellRefused(e.saleId);
    await queueReceipt(tx, e.orderId);
    return "created";
  });
}
