import path from "node:path";
import type { HerdReport } from "../herd/report";

/**
 * The herd's comparison tables, from its JSON reports: what the shoppers saw, what it cost the
 * servers (and whether the client kept up), and what each kind of answer cost the shop.
 */

export type HerdRow = { file: string; r: HerdReport };

/** Herd reports this renderer reads (older versions are skipped). */
export const isHerdReport = (x: unknown): x is HerdReport =>
  typeof x === "object" && x !== null && (x as { version?: unknown }).version === 1;

/** The latest report per (shoppers, stock, mode, --panel): one row per kind of run. */
export function latestHerdRuns(rows: HerdRow[]): HerdRow[] {
  const latest = new Map<string, HerdRow>();
  for (const x of rows) {
    const key = `${x.r.config.shoppers}/${x.r.config.stock}/${x.r.mode}/${Boolean(x.r.config.panel)}`;
    const seen = latest.get(key);
    if (!seen || seen.r.createdAt < x.r.createdAt) latest.set(key, x);
  }
  return [...latest.values()];
}

const n = (v: number) => v.toLocaleString("en-US");
const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`);

type Row = HerdRow;
type Column = [head: string, cell: (x: Row) => string];

function markdown(rows: Row[], columns: Column[]): string {
  return [
    `| ${columns.map((c) => c[0]).join(" | ")} |`,
    `| ${columns.map(() => "---").join(" | ")} |`,
    ...rows.map((x) => `| ${columns.map((c) => c[1](x)).join(" | ")} |`),
  ].join("\n");
}

const design = ({ r }: Row) =>
  r.mode === "stampede" ? (r.config.panel ? "Stampede, `--panel`" : "Stampede") : "naive baseline";

/** A kind of answer's cell: answers · handler µs per answer · Redis commands per answer. */
function kindCell(r: HerdReport, kind: string): string {
  const k = r.summary.pressWork?.[kind];
  return k ? `${n(k.answers)} · ${k.handlerUs} µs · ${k.redisCommands}` : "–";
}

/** The three tables, in that order. */
export function renderHerdTables(rows: Row[]): string[] {
  const sorted = [...rows].sort(
    (a, b) =>
      a.r.config.stock - b.r.config.stock ||
      a.r.config.shoppers - b.r.config.shoppers ||
      (a.r.mode === "stampede" ? -1 : 1),
  );
  const shoppers: Column[] = [
    ["shoppers", ({ r }) => n(r.config.shoppers)],
    ["units", ({ r }) => n(r.config.stock)],
    ["design", design],
    ["answered ≤ 3 s", ({ r }) => `**${r.summary.answeredWithin3sPct}%**`],
    ["p50", ({ r }) => ms(r.summary.latencyMs.p50)],
    ["p95", ({ r }) => ms(r.summary.latencyMs.p95)],
    ["p99", ({ r }) => ms(r.summary.latencyMs.p99)],
    ["max", ({ r }) => ms(r.summary.latencyMs.max)],
    [
      "secured / in line / sold out / other / gave up",
      ({ r }) => {
        const o = r.summary.outcomes;
        const other = o.already_purchased + o.ended + o.not_started;
        const gaveUp = o.gave_up_busy + o.gave_up_rate_limited + o.error + o.unanswered;
        return `${n(o.secured)} / ${n(o.in_line)} / ${n(o.sold_out)} / ${n(other)} / ${n(gaveUp)}`;
      },
    ],
    [
      "first stock + line: p50 / p99 (all answered at)",
      ({ r }) => {
        const f = r.summary.firstPresses;
        return f
          ? `${ms(f.latencyMs.p50)} / ${ms(f.latencyMs.p99)} (${ms(f.lastAnsweredAtMs)})`
          : "–";
      },
    ],
    [
      "checkout p50 / p99",
      ({ r }) => {
        const c = r.summary.checkout.latencyMs;
        return c.n > 0 ? `${ms(c.p50)} / ${ms(c.p99)}` : "–";
      },
    ],
    ["429", ({ r }) => n(r.summary.requests.status429)],
    ["503", ({ r }) => n(r.summary.requests.status503)],
    [
      "invariant",
      ({ r }) => {
        const i = r.summary.invariant;
        return i.ok ? `✓ ${n(i.ordersInPg)} orders` : `✗ ${i.problems.join("; ")}`;
      },
    ],
  ];
  const servers: Column[] = [
    ["shoppers", ({ r }) => n(r.config.shoppers)],
    ["design", design],
    ["req/s mean (peak)", ({ r }) => `${n(r.summary.rps.mean)} (${n(r.summary.rps.peak)})`],
    ["requests", ({ r }) => n(r.summary.requests.total)],
    [
      "server CPU / request",
      ({ r }) => (r.summary.serverCpu ? `${r.summary.serverCpu.msPerRequest} ms` : "–"),
    ],
    [
      "SQL statements (shop's counter)",
      ({ r }) => (r.summary.server ? n(r.summary.server.dbQueries) : "–"),
    ],
    [
      "PG transactions (pg_stat_database)",
      ({ r }) => (r.summary.pg ? n(r.summary.pg.xactCommit + r.summary.pg.xactRollback) : "–"),
    ],
    ["Redis commands", ({ r }) => (r.summary.server ? n(r.summary.server.redisCommands) : "0")],
    [
      "Redis commands / press",
      ({ r }) => (r.summary.redisPerPress !== undefined ? String(r.summary.redisPerPress) : "–"),
    ],
    ["client lag p99", ({ r }) => ms(r.summary.client.lagMs.p99)],
    [
      "machine CPU busy (herd's share)",
      ({ r }) =>
        r.summary.client.cpu
          ? `${r.summary.client.cpu.machinePct}% (${r.summary.client.cpu.clientPct}%)`
          : "?",
    ],
    ["report", ({ file }) => `\`${path.basename(file)}\``],
  ];
  const kinds: Column[] = [
    ["shoppers", ({ r }) => n(r.config.shoppers)],
    ["design", design],
    ["sold out", ({ r }) => kindCell(r, "sold_out")],
    ["secured", ({ r }) => kindCell(r, "secured")],
    ["in line", ({ r }) => kindCell(r, "in_line")],
    ["shed (503)", ({ r }) => kindCell(r, "shed")],
    ["rate limited", ({ r }) => kindCell(r, "rate_limited")],
    ["report", ({ file }) => `\`${path.basename(file)}\``],
  ];
  const stampede = sorted.filter((x) => x.r.summary.pressWork);
  return [
    markdown(sorted, shoppers),
    markdown(sorted, servers),
    ...(stampede.length ? [markdown(stampede, kinds)] : []),
  ];
}
