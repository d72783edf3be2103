import { count, eq } from "drizzle-orm";
import { db } from "@/db";
import { orders } from "@/db/schema";
import { gate, type GrantReply } from "@/lib/gate/gate";
import { checkout } from "@/lib/orders/checkout";
import { signPurchaseToken } from "@/lib/tokens/purchase-token";
import { soldInDb } from "./fixtures";

/** Holds, purchase tokens and the counts a checkout changes, for the checkout and outbox tests. */

type Secured = Extract<GrantReply, { s: "secured" }>;

/** Presses Buy Now for `userId` (who must be granted a unit) and signs the token for the hold. */
export async function secure(saleId: string, userId: string) {
  const r = await gate.grant(saleId, userId);
  if (r.s !== "secured") throw new Error(`expected secured, got ${r.s}`);
  return {
    reply: r as Secured,
    token: await signPurchaseToken({ userId, saleId, holdId: r.hold, expiresAt: r.exp }),
  };
}

/** A purchase token for the hold `userId` has now (granted earlier, or promoted from the line). */
export async function tokenForHold(saleId: string, userId: string) {
  const st = await gate.state(saleId, userId);
  if (st.s !== "ok" || !st.hold || !st.exp) throw new Error("no hold");
  return signPurchaseToken({ userId, saleId, holdId: st.hold, expiresAt: st.exp });
}

/**
 * Secures a unit for each shopper, then checks them all out while `down()` has PostgreSQL away,
 * so each purchase is left to the outbox. Returns the tokens and the checkout results.
 */
export async function checkoutWhileDown(
  saleId: string,
  shoppers: string[],
  database: { down: () => void; up: () => void },
) {
  const tokens = await Promise.all(
    shoppers.map(async (u) => ({ u, token: (await secure(saleId, u)).token })),
  );
  database.down();
  const results = await Promise.all(tokens.map(({ u, token }) => checkout(u, token)));
  database.up();
  return { tokens, results };
}

export const orderCount = async (saleId: string) =>
  (await db().select({ n: count() }).from(orders).where(eq(orders.saleId, saleId)))[0]!.n;

/** The sale's gate counters in Redis beside its orders and sold count in PostgreSQL. */
export async function stockSnapshot(saleId: string) {
  const st = await gate.state(saleId);
  if (st.s !== "ok") throw new Error("not armed");
  return {
    avail: st.avail,
    held: st.held,
    sold: st.sold,
    orders: await orderCount(saleId),
    soldInDb: await soldInDb(saleId),
  };
}

/** What stockSnapshot reads once all `n` units are sold and written. */
export const soldOut = (n: number) => ({ avail: 0, held: 0, sold: n, orders: n, soldInDb: n });
