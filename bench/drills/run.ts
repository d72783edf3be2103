import { createClient } from "redis";
import { saleKeysFor } from "@/lib/redis/keys";
import { createShoppers, mintCookies, scheduleShopSale } from "../herd/setup";
import { checkDrill, type DrillCheck } from "./check";
import { shardOf } from "./redis-cluster";
import { startDrillHerd, type DrillHerd, type RequestStats } from "./shoppers";
import { startStack, type ServerKind, type Stack, type StackOptions } from "./stack";

/**
 * One drill, start to finish: its own stack, shoppers and sale; the herd; the fault, injected by
 * the drill's script while the herd runs; the invariant check once everything has healed; the
 * report. The stack is taken down whatever happens.
 */

export type DrillOptions = {
  /** Small and short (CI); otherwise a bigger herd. */
  quick: boolean;
  server: ServerKind;
  shoppers?: number;
  stock?: number;
  /** Every request must be answered within this (ms). */
  boundMs?: number;
  log?: (message: string) => void;
};

export type DrillContext = {
  stack: Stack;
  herd: DrillHerd;
  saleId: string;
  shoppers: number;
  stock: number;
  quick: boolean;
  /** Records a step of the fault on the timeline (seconds since the sale opened). */
  note(event: string): void;
  /** Polls `cond` every `everyMs` until true; false after `timeoutMs`. */
  until(
    cond: () => boolean | Promise<boolean>,
    timeoutMs: number,
    everyMs?: number,
  ): Promise<boolean>;
  sleep(ms: number): Promise<void>;
  /**
   * A node-redis client on the drill's Redis (on a cluster: on the master holding the sale's
   * keys; a fault that moves them there points this at the new master), and the sale's keys.
   */
  redis: ReturnType<typeof createClient>;
  keys: ReturnType<typeof saleKeysFor>;
  ordersInPg(): Promise<number>;
};

export type FaultResult = { problems?: string[]; notes?: string[] };

export type DrillDefinition = {
  name: string;
  title: string;
  stack: Pick<
    StackOptions,
    "instances" | "workers" | "pgProxy" | "aof" | "redisCluster" | "workerArgs" | "mail"
  >;
  /** Sizes for this drill (quick, full); --shoppers/--stock override them. */
  size: { quick: [shoppers: number, stock: number]; full: [shoppers: number, stock: number] };
  fault(ctx: DrillContext): Promise<FaultResult | void>;
};

export type DrillReport = {
  name: string;
  title: string;
  ok: boolean;
  problems: string[];
  notes: string[];
  timeline: { t: number; event: string }[];
  check: DrillCheck | null;
  requests: RequestStats | null;
  config: {
    shoppers: number;
    stock: number;
    server: ServerKind;
    instances: number;
    workers: number;
  };
  durationMs: number;
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function runDrill(def: DrillDefinition, o: DrillOptions): Promise<DrillReport> {
  const log = o.log ?? (() => {});
  const [defShoppers, defStock] = o.quick ? def.size.quick : def.size.full;
  const n = o.shoppers ?? defShoppers;
  const stock = o.stock ?? defStock;
  const started = performance.now();
  const timeline: { t: number; event: string }[] = [];
  const report: DrillReport = {
    name: def.name,
    title: def.title,
    ok: false,
    problems: [],
    notes: [],
    timeline,
    check: null,
    requests: null,
    config: {
      shoppers: n,
      stock,
      server: o.server,
      instances: def.stack.instances,
      workers: def.stack.workers,
    },
    durationMs: 0,
  };

  let stack: Stack | undefined;
  let redis: ReturnType<typeof createClient> | undefined;
  let ctxRef: DrillContext | undefined;
  try {
    stack = await startStack({ name: def.name, server: o.server, log, ...def.stack });
    const users = await createShoppers(stack.db, n);
    const cookies = await mintCookies(users, stack.secrets.AUTH_SECRET);
    const startsAt = Date.now() + 2_500;
    const saleId = await scheduleShopSale(stack.db, {
      stock,
      startsAt: new Date(startsAt),
      endsAt: new Date(startsAt + 3_600_000),
      holdSeconds: 300,
    });
    // The first read arms the sale in Redis from PostgreSQL (before any fault).
    for (let i = 0; ; i++) {
      const res = await fetch(`${stack.url}/api/sales/${saleId}`).catch(() => null);
      await res?.body?.cancel();
      if (res?.ok) break;
      if (i > 50) throw new Error(`the sale did not come up (GET answered ${res?.status})`);
      await sleep(200);
    }
    const saleRedisUrl = stack.redisCluster
      ? `redis://${(await shardOf(stack.redisCluster.nodes, saleKeysFor(stack.redisPrefix, saleId).meta)).master}`
      : stack.redis!.url;
    redis = createClient({ url: saleRedisUrl, RESP: 2 });
    redis.on("error", () => {});
    await redis.connect();
    log(`sale ${saleId}: ${stock} units, ${n} shoppers; opens in ${startsAt - Date.now()} ms`);

    const herd = startDrillHerd({
      baseUrl: stack.url,
      saleId,
      cookies,
      startsAt,
      spreadMs: o.quick ? 4_000 : 8_000,
      pollers: o.quick ? 10 : 40,
      boundMs: o.boundMs ?? 5_000,
      maxRunMs: 150_000,
    });
    const db = stack.db;
    const ctx: DrillContext = {
      stack,
      herd,
      saleId,
      shoppers: n,
      stock,
      quick: o.quick,
      note(event) {
        const t = Math.round((Date.now() - startsAt) / 100) / 10;
        timeline.push({ t, event });
        log(`t=${t}s ${event}`);
      },
      async until(cond, timeoutMs, everyMs = 100) {
        const until = Date.now() + timeoutMs;
        while (Date.now() < until) {
          if (await cond()) return true;
          await sleep(everyMs);
        }
        return false;
      },
      sleep,
      redis,
      keys: saleKeysFor(stack.redisPrefix, saleId),
      async ordersInPg() {
        const { rows } = await db.query(
          "select count(*)::int as n from orders where sale_id = $1",
          [saleId],
        );
        return (rows[0] as { n: number }).n;
      },
    };

    ctxRef = ctx;
    const fault: FaultResult | void = await def.fault(ctx).catch((error: unknown) => ({
      problems: [
        `the fault script failed: ${error instanceof Error ? error.message : String(error)}`,
      ],
    }));
    const result = await herd.done;
    log(`herd done in ${Math.round(result.durationMs)} ms; checking the invariant…`);
    const check = await checkDrill({
      db,
      baseUrl: stack.url,
      saleId,
      stock,
      userIds: users.map((u) => u.id),
      herd: result,
      pendingOutbox: async () => Number(await ctx.redis.xLen(ctx.keys.outbox).catch(() => -1)),
    });
    report.check = check;
    report.requests = result.requests;
    report.notes.push(...(fault?.notes ?? []));
    report.problems.push(...(fault?.problems ?? []), ...check.problems);
  } catch (error) {
    report.problems.push(`drill failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    if (redis?.isOpen) await redis.quit().catch(() => {});
    if (ctxRef && ctxRef.redis !== redis) await ctxRef.redis.quit().catch(() => {});
    await stack?.close();
    report.durationMs = Math.round(performance.now() - started);
  }
  report.ok = report.problems.length === 0;
  return report;
}

/** The short printed report. */
export function formatReport(r: DrillReport): string {
  const c = r.check?.figures;
  const q = r.requests;
  const lines = [
    `drill ${r.name}: ${r.title}`,
    `  ${r.config.shoppers} shoppers, ${r.config.stock} units; ${r.config.instances} instance(s) (${r.config.server}), ${r.config.workers} outbox worker(s); ${(r.durationMs / 1000).toFixed(1)} s`,
    ...r.timeline.map((e) => `  t=${e.t.toFixed(1)}s  ${e.event}`),
    ...r.notes.map((n) => `  • ${n}`),
  ];
  if (c)
    lines.push(
      `  shoppers: ${Object.entries(c.outcomes)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}`,
      `  checkouts: ${Object.entries(c.checkouts)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}`,
    );
  if (q)
    lines.push(
      `  requests: ${q.total}; 503 (all with Retry-After: ${q.unavailableWithoutHint === 0 ? "yes" : "NO"}) ${q.unavailable}; other 5xx ${q.otherServerErrors}; no answer ${q.noResponse}; slowest ${Math.round(q.maxMs)} ms`,
    );
  if (c)
    lines.push(
      `  invariant: orders in PostgreSQL ${c.ordersInPg}, sold in Redis ${c.soldInRedis}, sales.sold ${c.soldInPg}, stock ${c.stock} (available ${c.available}, held ${c.held}); told "confirmed" ${c.toldConfirmed}, "received" ${c.toldReceived}, all found: ${r.problems.some((p) => p.includes("have no such order")) ? "NO" : "yes"}; settled in ${c.settleMs} ms`,
    );
  lines.push(
    r.ok ? "  result: OK" : `  result: FAILED\n${r.problems.map((p) => `    - ${p}`).join("\n")}`,
  );
  return lines.join("\n");
}
