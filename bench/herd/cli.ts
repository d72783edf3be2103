import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { herd, type HerdOptions } from "./herd";
import { renderHtml } from "./html-report";
import type { Progress } from "./run-herd";

/**
 * npm run herd -- --shoppers N --stock S [--spread-ms 10000] [--target http://127.0.0.1:3000]
 *   [--concurrency 512] [--start-in-ms 5000] [--hold-seconds 120] [--mode stampede|baseline] [--panel]
 *   [--out bench/reports] [--pollers 500] [--database-url postgres://…] [--secrets .data/secrets.json]
 */

const USAGE = `usage: npm run herd -- --shoppers N --stock S [options]

  --mode stampede|baseline   what to herd (default stampede)
  --target URL               the shop (default http://127.0.0.1:3000); for the baseline, a running
                             naive server (default: start one on --baseline-port with a fresh database)
  --spread-ms MS             clicks spread over this long after the start (default 10000)
  --concurrency N            requests in flight at most / keep-alive connections (default 512)
  --checkout-connections N   checkouts in flight at most, over connections of their own (default 256)
  --start-in-ms MS           the sale opens this long after set-up (default 5000)
  --hold-seconds S           purchase-token hold (default 120)
  --pollers N                shoppers (a sample) polling the state every ~1 s (default 500)
  --panel                    every shopper opens the sale page before the start, and its sale
                             panel reads /me once (as a signed-in browser does); give it a
                             --start-in-ms long enough for the shop to answer them all
  --request-timeout-ms MS    per request (default 10000)
  --max-seconds S            hard stop for the run (default 180)
  --database-url URL         the shop's PostgreSQL (default $HERD_DATABASE_URL or $DATABASE_URL)
  --admin-database-url URL   where the baseline's database is created (default postgres://postgres@127.0.0.1:5432/postgres)
  --baseline-port N          (default 3310)
  --secrets FILE             AUTH_SECRET / METRICS_TOKEN (default .data/secrets.json; env vars win)
  --commit REV               the shop's commit, for the report (default: this checkout's HEAD)
  --instances URL,URL,…      the target is a balancer (npm run cluster): read the shop's counters
                             from each instance and sum them, and the CPU of every process
  --out DIR                  reports directory (default bench/reports)`;

function options(argv: string[]): HerdOptions & { out: string } {
  const { values } = parseArgs({
    args: argv,
    options: {
      shoppers: { type: "string" },
      stock: { type: "string" },
      mode: { type: "string", default: "stampede" },
      target: { type: "string" },
      "spread-ms": { type: "string", default: "10000" },
      concurrency: { type: "string", default: "512" },
      "checkout-connections": { type: "string", default: "256" },
      "start-in-ms": { type: "string", default: "5000" },
      "hold-seconds": { type: "string", default: "120" },
      pollers: { type: "string", default: "500" },
      panel: { type: "boolean", default: false },
      "poll-interval-ms": { type: "string", default: "1000" },
      "request-timeout-ms": { type: "string", default: "10000" },
      "max-seconds": { type: "string", default: "180" },
      "database-url": { type: "string" },
      "admin-database-url": {
        type: "string",
        default: "postgres://postgres@127.0.0.1:5432/postgres",
      },
      "baseline-port": { type: "string", default: "3310" },
      secrets: { type: "string", default: ".data/secrets.json" },
      out: { type: "string", default: "bench/reports" },
      commit: { type: "string" },
      instances: { type: "string" },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help || !values.shoppers || !values.stock) {
    console.log(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const int = (name: string, v: string | undefined, min = 0) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}`);
    return n;
  };
  const mode = values.mode;
  if (mode !== "stampede" && mode !== "baseline") throw new Error("--mode is stampede or baseline");
  if (values.panel && mode !== "stampede")
    throw new Error("--panel needs the shop's /me: the baseline has no sale panel");
  const secrets: Record<string, string> =
    existsSync(values.secrets) && mode === "stampede"
      ? JSON.parse(readFileSync(values.secrets, "utf8"))
      : {};
  return {
    mode,
    shoppers: int("shoppers", values.shoppers, 1),
    stock: int("stock", values.stock, 1),
    spreadMs: int("spread-ms", values["spread-ms"]),
    concurrency: int("concurrency", values.concurrency, 1),
    checkoutConnections: int("checkout-connections", values["checkout-connections"], 1),
    startInMs: int("start-in-ms", values["start-in-ms"], 1000),
    holdSeconds: int("hold-seconds", values["hold-seconds"], 1),
    pollers: int("pollers", values.pollers),
    panel: values.panel,
    pollIntervalMs: int("poll-interval-ms", values["poll-interval-ms"], 100),
    requestTimeoutMs: int("request-timeout-ms", values["request-timeout-ms"], 100),
    maxRunMs: int("max-seconds", values["max-seconds"], 1) * 1000,
    target: values.target ?? (mode === "stampede" ? "http://127.0.0.1:3000" : undefined),
    databaseUrl:
      values["database-url"] ?? process.env.HERD_DATABASE_URL ?? process.env.DATABASE_URL,
    adminDatabaseUrl: values["admin-database-url"],
    baselinePort: int("baseline-port", values["baseline-port"], 1),
    authSecret: process.env.AUTH_SECRET ?? secrets.AUTH_SECRET,
    metricsToken: process.env.METRICS_TOKEN ?? secrets.METRICS_TOKEN,
    commit: values.commit,
    instances: values.instances?.split(",").filter(Boolean),
    out: values.out,
  };
}

function progressLine(p: Progress, total: number): string {
  const o = p.outcomes;
  const t =
    p.tMs < 0 ? `opens in ${(-p.tMs / 1000).toFixed(1)}s` : `t+${(p.tMs / 1000).toFixed(1)}s`;
  const gave = o.gave_up_busy + o.gave_up_rate_limited + o.error;
  return (
    `${t} | clicked ${p.clicked}/${total} answered ${p.answered} ` +
    `(secured ${o.secured}, line ${o.in_line}, sold out ${o.sold_out}, gave up ${gave}) ` +
    `orders ${p.orders} | ${Math.round(p.rps)} req/s, ${p.active} in flight, ${p.queued} queued | lag ${p.lagMs} ms`
  );
}

async function main() {
  const o = options(process.argv.slice(2));
  const tty = process.stderr.isTTY;
  let lastLen = 0;
  const report = await herd({
    ...o,
    log: (m) => console.error(`• ${m}`),
    onProgress: (p) => {
      const line = progressLine(p, o.shoppers);
      if (tty) {
        process.stderr.write(`\r${line.padEnd(lastLen)}`);
        lastLen = line.length;
      } else if (Math.round(p.tMs / 500) % 4 === 0) process.stderr.write(`${line}\n`);
    },
  });
  if (tty) process.stderr.write("\n");

  mkdirSync(o.out, { recursive: true });
  const stamp = report.createdAt.replace(/[:.]/g, "-");
  const base = path.join(o.out, `${stamp}-${report.mode}`);
  writeFileSync(`${base}.json`, JSON.stringify(report));
  writeFileSync(`${base}.html`, renderHtml(report, path.basename(`${base}.json`)));

  const s = report.summary;
  console.log(
    [
      `${report.mode}: ${s.shoppers} shoppers, ${report.config.stock} units`,
      `  answered within 3 s: ${s.answeredWithin3sPct}%  (p50 ${s.latencyMs.p50} ms, p95 ${s.latencyMs.p95} ms, p99 ${s.latencyMs.p99} ms, max ${s.latencyMs.max} ms)`,
      `  outcomes: ${Object.entries(s.outcomes)
        .filter(([, v]) => v > 0)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}`,
      `  429: ${s.requests.status429}, 503: ${s.requests.status503}, no response: ${s.requests.noResponse}; ${s.rps.mean} req/s mean, ${s.rps.peak} peak`,
      s.server
        ? `  shop: ${s.server.dbQueries} SQL statements, ${s.server.redisCommands} Redis commands`
        : `  PostgreSQL: ${s.pg?.xactCommit ?? "?"} commits, ${s.pg?.xactRollback ?? "?"} rollbacks`,
      `  invariant: ${s.invariant.ok ? "ok" : `BROKEN: ${s.invariant.problems.join("; ")}`} (${s.invariant.ordersInPg} orders, sold ${s.invariant.soldByGate}, stock ${s.invariant.stock})`,
      `  client lag p99 ${s.client.lagMs.p99} ms, max ${s.client.lagMs.max} ms`,
      `  report: ${base}.html`,
    ].join("\n"),
  );
  if (!s.invariant.ok) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(`\nherd: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
