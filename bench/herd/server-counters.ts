/**
 * The shop's own counters from /api/metrics (Prometheus text): SQL statements and Redis commands
 * sent by the server, Buy Now / checkout answers by status, how the hot routes read session
 * cookies (decrypted, found kept, refused), and what presses cost by kind of answer
 * (`stampede_press_work`: answers, handler_seconds, redis_commands). Read before and after a run.
 */

export type ShopCounters = {
  dbQueries: number;
  redisCommands: number;
  buyNow: Record<string, number>;
  checkout: Record<string, number>;
  sessionReads: Record<string, number>;
  /** `<kind>:<field>` → value, e.g. `sold_out:answers`. */
  pressWork: Record<string, number>;
};

export function parseMetrics(text: string): ShopCounters {
  const out: ShopCounters = {
    dbQueries: 0,
    redisCommands: 0,
    buyNow: {},
    checkout: {},
    sessionReads: {},
    pressWork: {},
  };
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || line === "") continue;
    const m = /^([a-z_]+)(?:\{([^}]*)\})? ([0-9.eE+-]+)$/.exec(line);
    if (!m) continue;
    const [, name, labels = "", raw] = m;
    const value = Number(raw);
    const status = /status="([^"]*)"/.exec(labels)?.[1];
    if (name === "stampede_db_queries_total") out.dbQueries = value;
    else if (name === "stampede_redis_commands_total") out.redisCommands = value;
    else if (name === "stampede_buy_now_total" && status) out.buyNow[status] = value;
    else if (name === "stampede_checkout_total" && status) out.checkout[status] = value;
    else if (name === "stampede_session_reads_total") {
      const how = /how="([^"]*)"/.exec(labels)?.[1];
      if (how) out.sessionReads[how] = value;
    } else if (name === "stampede_press_work") {
      const kind = /kind="([^"]*)"/.exec(labels)?.[1];
      const field = /field="([^"]*)"/.exec(labels)?.[1];
      if (kind && field) out.pressWork[`${kind}:${field}`] = value;
    }
  }
  return out;
}

export async function readShopCounters(baseUrl: string, token: string): Promise<ShopCounters> {
  const res = await fetch(`${baseUrl}/api/metrics`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!res.ok) throw new Error(`GET /api/metrics answered ${res.status} (is METRICS_TOKEN right?)`);
  return parseMetrics(await res.text());
}

const diff = (a: Record<string, number>, b: Record<string, number>) =>
  Object.fromEntries(
    Object.keys(b)
      .map((k) => [k, b[k]! - (a[k] ?? 0)] as const)
      .filter(([, v]) => v !== 0),
  );

export const countersDelta = (a: ShopCounters, b: ShopCounters): ShopCounters => ({
  dbQueries: b.dbQueries - a.dbQueries,
  redisCommands: b.redisCommands - a.redisCommands,
  buyNow: diff(a.buyNow, b.buyNow),
  checkout: diff(a.checkout, b.checkout),
  sessionReads: diff(a.sessionReads, b.sessionReads),
  pressWork: diff(a.pressWork ?? {}, b.pressWork ?? {}),
});

/** Several instances' counters as one shop's. */
export const sumCounters = (all: ShopCounters[]): ShopCounters => {
  const add = (a: Record<string, number>, b: Record<string, number>) => {
    for (const [k, v] of Object.entries(b)) a[k] = (a[k] ?? 0) + v;
    return a;
  };
  return all.reduce<ShopCounters>(
    (t, c) => ({
      dbQueries: t.dbQueries + c.dbQueries,
      redisCommands: t.redisCommands + c.redisCommands,
      buyNow: add(t.buyNow, c.buyNow),
      checkout: add(t.checkout, c.checkout),
      sessionReads: add(t.sessionReads, c.sessionReads),
      pressWork: add(t.pressWork, c.pressWork),
    }),
    { dbQueries: 0, redisCommands: 0, buyNow: {}, checkout: {}, sessionReads: {}, pressWork: {} },
  );
};
