import { spawn, execSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { createNaiveSale, createNaiveSchema } from "../baselines/naive-server";
import { checkInvariants } from "./invariants";
import { buildReport, type HerdReport } from "./report";
import { runHerd, type HerdPlan, type Progress } from "./run-herd";
import { countersDelta, readShopCounters, sumCounters, type ShopCounters } from "./server-counters";
import { listenerPid, processCpuSeconds } from "./server-process";
import {
  createShoppers,
  freshDatabase,
  mintCookies,
  pgStat,
  pgStatDelta,
  scheduleShopSale,
  type PgStat,
} from "./setup";
import type { Target, TargetKind } from "./target";

/**
 * One whole herd run: set-up through the data layer, the herd, the server's counters before and
 * after, the invariant check, and the report. The CLI (bench/herd/cli.ts) is a thin shell on this.
 */

export type HerdOptions = {
  mode: TargetKind;
  shoppers: number;
  stock: number;
  spreadMs: number;
  concurrency: number;
  /** Checkouts in flight at most, over connections of their own (see HerdPlan). */
  checkoutConnections?: number;
  startInMs: number;
  holdSeconds: number;
  pollers: number;
  pollIntervalMs: number;
  /** Every shopper's sale panel reads /me once before the start (see HerdPlan.panel). */
  panel?: boolean;
  requestTimeoutMs: number;
  maxRunMs: number;
  /** Stampede: the running shop. Baseline: a running naive server, or unset to start one. */
  target?: string;
  /** The target's PostgreSQL (Stampede: the shop's DATABASE_URL). */
  databaseUrl?: string;
  /** Baseline started here: the server whose database `stampede_herd_baseline` is re-created. */
  adminDatabaseUrl: string;
  baselinePort: number;
  authSecret?: string;
  metricsToken?: string;
  /** What was measured (default: this checkout's git HEAD). */
  commit?: string;
  /**
   * When the target is a balancer in front of several instances (npm run cluster): their URLs.
   * The shop's counters are then summed over them, and the server CPU over them and the balancer.
   */
  instances?: string[];
  onProgress?: (p: Progress) => void;
  log?: (message: string) => void;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** PostgreSQL flushes a backend's statistics at most once a second, idle ones after 10 s. */
const PG_STATS_SETTLE_MS = 11_000;

function simulatedNotes(o: HerdOptions): string[] {
  const pollers = Math.min(o.pollers, o.shoppers);
  return [
    `${o.shoppers.toLocaleString("en-US")} shoppers, each a real user row with its own Auth.js session cookie; each clicks Buy Now once, at a time drawn uniformly from the ${o.spreadMs / 1000} s after the start.`,
    `Buy Now retries only what the browser's lib/client/retry.ts retries (rate_limited, unavailable, no response), with its full-jitter backoff, Retry-After floor and 3 s deadline; at the deadline the shopper's answer comes from /me and the last public state, as in the sale panel, or is "gave up".`,
    `Polling: ${pollers.toLocaleString("en-US")} of the shoppers (a sample, not all ${o.shoppers.toLocaleString("en-US")}) poll the public state every ~${o.pollIntervalMs} ms (±30% jitter) with If-None-Match from set-up until the end, plus one monitor request every 500 ms for the stock chart. The rest are assumed to be served by a CDN (s-maxage=1) or to have loaded the page once.`,
    o.panel && o.mode === "stampede"
      ? `Every shopper opens the sale page before the start: the signed-in sale panel reads /me once, sent at a time uniform over the lead time left after set-up (at most ${o.startInMs / 1000} s) less its last tenth (at most 1 s), and keeps the lane ticket it sets: the press that follows is vouched for by the ticket on any instance, or by the session the answering instance kept (lib/auth/session-cache.ts keeps the last 100,000 read).`
      : "No shopper reads /me before pressing: each press is the shopper's first request (the browser's sale panel reads /me when the page opens; --panel models that).",
    `At most ${o.concurrency} requests in flight over as many keep-alive connections (one client process on this 2-core machine, sharing it with the server, Redis and PostgreSQL); time queued in the client counts toward a shopper's latency and is reported separately.`,
    o.mode === "stampede"
      ? `Winners check out at once (POST /api/orders, the checkout page's retry policy: 15 s) over connections of their own (at most ${o.checkoutConnections ?? 256} in flight), as a browser does, not queued behind other shoppers' presses; shoppers told "in line" watch /me every ~1.5 s until a unit comes back or the line closes.`
      : "The baseline has no token, no line and no /me: one POST /buy either orders or refuses.",
    `Every request times out after ${o.requestTimeoutMs / 1000} s (a browser would wait longer); the whole run stops after ${o.maxRunMs / 1000} s at most.`,
    ...(o.instances?.length
      ? [
          `The target is a round-robin balancer in front of ${o.instances.length} instances (${o.instances.join(", ")}): the shop's counters are summed over the instances, the server CPU over the instances and the balancer.`,
        ]
      : []),
  ];
}

function gitCommit(): string | null {
  try {
    return execSync("git rev-parse --short HEAD", { stdio: ["ignore", "pipe", "ignore"] })
      .toString()
      .trim();
  } catch {
    return null;
  }
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`the baseline server exited (${child.exitCode})`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`the baseline server did not answer on ${url}/health`);
}

export async function herd(o: HerdOptions): Promise<HerdReport> {
  const log = o.log ?? (() => {});
  const loadAvgBefore = os.loadavg().map((v) => Math.round(v * 100) / 100);
  let child: ChildProcess | undefined;
  let baseUrl = o.target;
  let databaseUrl = o.databaseUrl;
  let authSecret = o.authSecret;

  if (o.mode === "baseline" && !baseUrl) {
    databaseUrl = await freshDatabase(o.adminDatabaseUrl, "stampede_herd_baseline");
    authSecret ??= randomBytes(32).toString("base64url");
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    await createNaiveSchema(admin);
    await admin.end();
    baseUrl = `http://127.0.0.1:${o.baselinePort}`;
    log(`starting the naive baseline on ${baseUrl} (database stampede_herd_baseline)`);
    child = spawn(
      process.execPath,
      ["--import", "tsx", path.join(__dirname, "..", "baselines", "naive-main.ts")],
      {
        stdio: ["ignore", "ignore", "inherit"],
        env: {
          ...process.env,
          NAIVE_PORT: String(o.baselinePort),
          DATABASE_URL: databaseUrl,
          AUTH_SECRET: authSecret,
        },
      },
    );
    await waitForHealth(baseUrl, child);
  }
  if (!baseUrl) throw new Error("--target is required");
  if (!databaseUrl)
    throw new Error(
      "the target's PostgreSQL is needed (--database-url or DATABASE_URL): run the shop with DATABASE_URL=postgres://… (PGlite cannot be shared with another process)",
    );
  if (!authSecret) throw new Error("AUTH_SECRET is needed to mint session cookies");

  const db = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  try {
    const table = o.mode === "stampede" ? "users" : "naive.users";
    let t = performance.now();
    const shoppers = await createShoppers(db, o.shoppers, { table });
    const shoppersMs = Math.round(performance.now() - t);
    log(`${o.shoppers} shoppers inserted in ${shoppersMs} ms`);
    t = performance.now();
    const cookies = await mintCookies(shoppers, authSecret);
    const cookiesMs = Math.round(performance.now() - t);
    log(`${o.shoppers} session cookies minted in ${cookiesMs} ms`);

    const startsAt = new Date(Date.now() + o.startInMs);
    const endsAt = new Date(startsAt.getTime() + 3_600_000);
    const saleId =
      o.mode === "stampede"
        ? await scheduleShopSale(db, {
            stock: o.stock,
            startsAt,
            endsAt,
            holdSeconds: o.holdSeconds,
          })
        : await createNaiveSale(db, { stock: o.stock, startsAt, endsAt });
    const target: Target = { kind: o.mode, baseUrl, saleId };
    log(`sale ${saleId}: ${o.stock} units at ${startsAt.toISOString()}`);

    const metricsToken = o.mode === "stampede" ? o.metricsToken : undefined;
    const readCounters = async (token: string) =>
      o.instances?.length
        ? sumCounters(await Promise.all(o.instances.map((u) => readShopCounters(u, token))))
        : readShopCounters(baseUrl, token);
    const before: ShopCounters | null = metricsToken ? await readCounters(metricsToken) : null;
    const pgBefore: PgStat = await pgStat(db);
    const portOf = (u: string) => Number(new URL(u).port || 80);
    const serverPid = child?.pid ?? listenerPid(portOf(baseUrl));
    const pids = [serverPid, ...(o.instances ?? []).map((u) => listenerPid(portOf(u)))];
    const cpuOf = () => {
      const each = pids.map((pid) => (pid ? processCpuSeconds(pid) : null));
      return each.some((v) => v === null) ? null : each.reduce((a, v) => a! + v!, 0);
    };
    const cpuBefore = cpuOf();

    const plan: HerdPlan = {
      cookies,
      startsAt: startsAt.getTime(),
      spreadMs: o.spreadMs,
      concurrency: o.concurrency,
      checkoutConnections: o.checkoutConnections,
      pollers: o.pollers,
      pollIntervalMs: o.pollIntervalMs,
      panel: o.panel,
      requestTimeoutMs: o.requestTimeoutMs,
      maxRunMs: o.maxRunMs,
      lineWatchMs: Math.min(o.holdSeconds * 1000 + 5_000, o.maxRunMs),
    };
    const run = await runHerd(target, plan, { onProgress: o.onProgress });
    const runEnded = Date.now();
    const cpuAfter = cpuOf();
    const after = metricsToken ? await readCounters(metricsToken) : null;

    const ordersSeen =
      o.mode === "stampede"
        ? (run.checkoutStatuses.confirmed ?? 0) + (run.checkoutStatuses.received ?? 0)
        : Array.from(run.outcome).filter((x) => x === 0).length;
    const invariant = await checkInvariants({
      db,
      kind: o.mode,
      saleId,
      stock: o.stock,
      ordersSeenByHerd: ordersSeen,
      readSold: async () => {
        const res = await fetch(
          `${baseUrl}${o.mode === "stampede" ? `/api/sales/${saleId}` : `/state?sale=${saleId}`}`,
        );
        return Number(((await res.json()) as { sold: number }).sold);
      },
    });
    await sleep(Math.max(0, PG_STATS_SETTLE_MS - (Date.now() - runEnded)));
    const pgAfter = await pgStat(db);

    return buildReport({
      run,
      plan,
      stock: o.stock,
      startInMs: o.startInMs,
      holdSeconds: o.holdSeconds,
      invariant,
      server: before && after ? countersDelta(before, after) : null,
      pg: pgStatDelta(pgBefore, pgAfter),
      setupMs: { shoppers: shoppersMs, cookies: cookiesMs },
      serverCpu:
        serverPid && cpuBefore !== null && cpuAfter !== null
          ? {
              pid: serverPid,
              ...(pids.length > 1 ? { pids: pids as number[] } : {}),
              seconds: Math.round((cpuAfter - cpuBefore) * 100) / 100,
            }
          : null,
      loadAvgBefore,
      commit: o.commit ?? gitCommit(),
      simulated: simulatedNotes(o),
    });
  } finally {
    await db.end();
    if (child && child.exitCode === null) {
      child.kill("SIGTERM");
      await new Promise((r) => child!.once("exit", r));
    }
  }
}
