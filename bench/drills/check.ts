import type pg from "pg";
import type { DrillHerdResult } from "./shoppers";

/**
 * The end of every drill. After the fault has healed and the outbox has caught up (bounded wait):
 * - orders in PostgreSQL == sold in Redis == sales.sold <= stock, and available + held + sold ==
 *   stock: no unit sold twice, none lost between the two stores;
 * - every shopper checkout told "confirmed" or "received" has exactly that order, under their own
 *   id (a "received" one once the outbox wrote it); nobody has two orders (limit 1 per shopper);
 * - every shopper told "secured" got a confirmed/received checkout (a hold is theirs, so any
 *   other final answer is a wrong one), nobody told "already purchased" lacks an order, and
 *   nobody was told "sold out" of a sale that ends with units never sold;
 * - every request got an answer within the bound, every 503 carried Retry-After and said
 *   "unavailable", and there was no other 5xx and no request left without an answer.
 */

export type DrillCheck = {
  ok: boolean;
  problems: string[];
  figures: {
    stock: number;
    ordersInPg: number;
    soldInRedis: number;
    soldInPg: number;
    available: number;
    held: number;
    toldOrder: number;
    toldConfirmed: number;
    toldReceived: number;
    outcomes: Record<string, number>;
    checkouts: Record<string, number>;
    settleMs: number;
  };
};

type SaleState = { stock: number; available: number; held: number; sold: number };

async function readState(baseUrl: string, saleId: string): Promise<SaleState | null> {
  try {
    const res = await fetch(`${baseUrl}/api/sales/${saleId}`, {
      signal: AbortSignal.timeout(5_000),
    });
    if (!res.ok) return null;
    const b = (await res.json()) as Record<string, unknown>;
    return {
      stock: Number(b.stock),
      available: Number(b.available),
      held: Number(b.held),
      sold: Number(b.sold),
    };
  } catch {
    return null;
  }
}

const tally = (values: string[]) =>
  values.reduce<Record<string, number>>((m, v) => ((m[v] = (m[v] ?? 0) + 1), m), {});

export async function checkDrill(o: {
  db: pg.Pool;
  baseUrl: string;
  saleId: string;
  stock: number;
  /** Shopper i's user id. */
  userIds: readonly string[];
  herd: DrillHerdResult;
  /** Entries still in the sale's outbox stream (orders not yet written). */
  pendingOutbox: () => Promise<number>;
  settleTimeoutMs?: number;
}): Promise<DrillCheck> {
  const problems: string[] = [];
  const told = o.herd.shoppers
    .map((s, i) => ({ ...s, userId: o.userIds[i]! }))
    .filter((s) => (s.checkout === "confirmed" || s.checkout === "received") && s.orderId);

  const counts = async () => {
    const { rows } = await o.db.query(
      `select
         (select count(*)::int from orders where sale_id = $1) as orders,
         (select count(*)::int from (select user_id from orders where sale_id = $1
            group by user_id having count(*) > 1) d) as dupes,
         (select sold from sales where id = $1) as sold_in_pg`,
      [o.saleId],
    );
    const found = await o.db.query<{ id: string; user_id: string }>(
      `select id, user_id from orders where id = any($1::uuid[])`,
      [told.map((s) => s.orderId)],
    );
    const r = rows[0] as { orders: number; dupes: number; sold_in_pg: number };
    return { ...r, found: new Map(found.rows.map((f) => [f.id, f.user_id])) };
  };

  // The outbox writes "received" orders a moment after PostgreSQL is back: wait for it, bounded.
  const started = Date.now();
  let c = await counts();
  let state = await readState(o.baseUrl, o.saleId);
  let pending = await o.pendingOutbox();
  while (
    (!state || c.orders !== state.sold || c.found.size < told.length || pending > 0) &&
    Date.now() - started < (o.settleTimeoutMs ?? 45_000)
  ) {
    await new Promise((r) => setTimeout(r, 500));
    c = await counts();
    state = await readState(o.baseUrl, o.saleId);
    pending = await o.pendingOutbox();
  }
  const settleMs = Date.now() - started;

  if (!state) problems.push("the sale's state could not be read from the shop");
  const s = state ?? { stock: o.stock, available: NaN, held: NaN, sold: NaN };
  if (c.orders !== s.sold)
    problems.push(`orders in PostgreSQL (${c.orders}) != sold in Redis (${s.sold})`);
  if (c.sold_in_pg !== c.orders)
    problems.push(`sales.sold (${c.sold_in_pg}) != orders in PostgreSQL (${c.orders})`);
  if (c.orders > o.stock) problems.push(`oversold: ${c.orders} orders for ${o.stock} units`);
  if (s.available + s.held + s.sold !== o.stock)
    problems.push(`available ${s.available} + held ${s.held} + sold ${s.sold} != stock ${o.stock}`);
  if (c.dupes > 0) problems.push(`${c.dupes} shoppers have two or more orders (limit is 1)`);
  if (pending > 0) problems.push(`${pending} purchases still in the outbox after ${settleMs} ms`);

  const lost = told.filter((t) => c.found.get(t.orderId!) !== t.userId);
  if (lost.length > 0)
    problems.push(
      `${lost.length} shoppers told "${lost[0]!.checkout}" have no such order (e.g. ${lost[0]!.orderId})`,
    );
  const unconfirmed = o.herd.shoppers.filter(
    (x) => x.outcome === "secured" && x.checkout !== "confirmed" && x.checkout !== "received",
  );
  if (unconfirmed.length > 0)
    problems.push(
      `${unconfirmed.length} shoppers told "secured" got no order: ${JSON.stringify(tally(unconfirmed.map((x) => x.checkout ?? "no checkout")))}`,
    );
  const soldOut = o.herd.shoppers.filter((x) => x.outcome === "sold_out").length;
  if (soldOut > 0 && s.available > 0)
    problems.push(`${soldOut} shoppers told "sold out" while ${s.available} units were never sold`);
  const claimed = o.herd.shoppers
    .map((x, i) => ({ ...x, userId: o.userIds[i]! }))
    .filter((x) => x.outcome === "already_purchased");
  if (claimed.length > 0) {
    const { rows } = await o.db.query<{ user_id: string }>(
      `select distinct user_id from orders where sale_id = $1 and user_id = any($2::text[])`,
      [o.saleId, claimed.map((x) => x.userId)],
    );
    const missing = claimed.length - rows.length;
    if (missing > 0) problems.push(`${missing} shoppers told "already purchased" have no order`);
  }

  const r = o.herd.requests;
  if (r.slow > 0)
    problems.push(`${r.slow} requests took longer than the bound (max ${Math.round(r.maxMs)} ms)`);
  if (r.noResponse > 0) problems.push(`${r.noResponse} requests got no response at all`);
  if (r.unavailableWithoutHint > 0)
    problems.push(`${r.unavailableWithoutHint} 503s lacked Retry-After or "unavailable"`);
  if (r.otherServerErrors > 0) problems.push(`${r.otherServerErrors} answers were 5xx but not 503`);
  if (o.herd.aborted) problems.push("the herd hit its time limit");

  return {
    ok: problems.length === 0,
    problems,
    figures: {
      stock: o.stock,
      ordersInPg: c.orders,
      soldInRedis: s.sold,
      soldInPg: c.sold_in_pg,
      available: s.available,
      held: s.held,
      toldOrder: told.length,
      toldConfirmed: told.filter((t) => t.checkout === "confirmed").length,
      toldReceived: told.filter((t) => t.checkout === "received").length,
      outcomes: tally(o.herd.shoppers.map((x) => x.outcome)),
      checkouts: tally(o.herd.shoppers.flatMap((x) => (x.checkout ? [x.checkout] : []))),
      settleMs,
    },
  };
}
