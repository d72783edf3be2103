import pg from "pg";

/**
 * After a run: what PostgreSQL holds against what the gate says and what the herd saw.
 * Stampede: orders in PostgreSQL == sold in Redis (public state) == sales.sold <= stock, and no
 * shopper with two orders. Baseline: orders == stock sold in PostgreSQL <= stock, same check.
 */

export type InvariantCheck = {
  ok: boolean;
  stock: number;
  ordersInPg: number;
  /** Stampede: `sold` from the gate (Redis) via the public state; baseline: stock taken in PostgreSQL. */
  soldByGate: number;
  /** Stampede: sales.sold, PostgreSQL's own guard; baseline: the same as soldByGate. */
  soldInPg: number;
  shoppersWithTwoOrders: number;
  /** Orders the herd was told about (confirmed/received, or "purchased" for the baseline). */
  ordersSeenByHerd: number;
  /** How long we waited for the outbox to write the last orders. */
  settleMs: number;
  problems: string[];
};

type Counts = { orders: number; dupes: number; soldInPg: number };

async function counts(db: pg.Pool, kind: "stampede" | "baseline", saleId: string): Promise<Counts> {
  const schema = kind === "stampede" ? "" : "naive.";
  const soldExpr = kind === "stampede" ? "sold" : "initial_stock - stock";
  const { rows } = await db.query(
    `select
       (select count(*)::int from ${schema}orders where sale_id = $1) as orders,
       (select count(*)::int from (select user_id from ${schema}orders where sale_id = $1
          group by user_id having count(*) > 1) d) as dupes,
       (select ${soldExpr} from ${schema}sales where id = $1) as sold`,
    [saleId],
  );
  const r = rows[0] as { orders: number; dupes: number; sold: number };
  return { orders: r.orders, dupes: r.dupes, soldInPg: Number(r.sold) };
}

export async function checkInvariants(o: {
  db: pg.Pool;
  kind: "stampede" | "baseline";
  saleId: string;
  stock: number;
  ordersSeenByHerd: number;
  /** Reads `sold` from the public state (Redis for Stampede). */
  readSold: () => Promise<number>;
  settleTimeoutMs?: number;
}): Promise<InvariantCheck> {
  const started = Date.now();
  let c = await counts(o.db, o.kind, o.saleId);
  let sold = await o.readSold();
  // Orders left to the outbox land a moment later: wait (bounded) for PostgreSQL to catch up.
  while (c.orders !== sold && Date.now() - started < (o.settleTimeoutMs ?? 15_000)) {
    await new Promise((r) => setTimeout(r, 500));
    c = await counts(o.db, o.kind, o.saleId);
    sold = await o.readSold();
  }
  const problems: string[] = [];
  if (c.orders !== sold) problems.push(`orders in PostgreSQL (${c.orders}) != sold (${sold})`);
  if (c.soldInPg !== c.orders)
    problems.push(`sold counted in PostgreSQL (${c.soldInPg}) != orders (${c.orders})`);
  if (c.orders > o.stock) problems.push(`oversold: ${c.orders} orders for ${o.stock} units`);
  if (c.dupes > 0) problems.push(`${c.dupes} shoppers have two or more orders`);
  if (o.ordersSeenByHerd > c.orders)
    problems.push(`the herd was told of ${o.ordersSeenByHerd} orders, PostgreSQL has ${c.orders}`);
  return {
    ok: problems.length === 0,
    stock: o.stock,
    ordersInPg: c.orders,
    soldByGate: sold,
    soldInPg: c.soldInPg,
    shoppersWithTwoOrders: c.dupes,
    ordersSeenByHerd: o.ordersSeenByHerd,
    settleMs: Date.now() - started,
    problems,
  };
}
