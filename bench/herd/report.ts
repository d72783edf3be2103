import os from "node:os";
import { lineCapFor } from "@/lib/gate/lua/sale";
import { PRESS_KINDS } from "@/lib/gate/press-work";
import type { Endpoint, EndpointCounts } from "./http-client";
import type { InvariantCheck } from "./invariants";
import type { HerdPlan, HerdRun, StockSample } from "./run-herd";
import type { ShopCounters } from "./server-counters";
import type { PgStat } from "./setup";
import { histogram, logEdges, spread, type Spread } from "./stats";
import { OUTCOMES, TRUE_ANSWERS, outcomeIndex, type Outcome, type TargetKind } from "./target";

/** The JSON report: every figure in bench/README.md comes from one of these files. */

export const ANSWER_BUDGET_MS = 3_000;

export type HerdReport = {
  version: 1;
  mode: TargetKind;
  createdAt: string;
  target: string;
  saleId: string;
  commit: string | null;
  config: {
    shoppers: number;
    stock: number;
    spreadMs: number;
    concurrency: number;
    pollers: number;
    pollIntervalMs: number;
    requestTimeoutMs: number;
    startInMs: number;
    holdSeconds: number;
    maxRunMs: number;
    /** `--panel`: every shopper's sale panel read /me before the start. */
    panel: boolean;
  };
  simulated: string[];
  machine: { cpus: number; node: string; loadAvgBefore: number[]; loadAvgAfter: number[] };
  setupMs: { shoppers: number; cookies: number };
  summary: {
    shoppers: number;
    answered: number;
    answeredWithin3s: number;
    answeredWithin3sPct: number;
    /** Click → the answer the shopper saw (true answers and gave-ups alike). */
    latencyMs: Spread;
    outcomes: Record<Outcome, number>;
    attemptsMean: number;
    requests: {
      total: number;
      byEndpoint: Record<Endpoint, EndpointCounts>;
      status429: number;
      status503: number;
      noResponse: number;
    };
    rps: { mean: number; peak: number; activeWindowMs: number };
    polls: { requests: number; notModified: number };
    /** `--panel`: the sale panel's /me reads before the start. */
    panel?: HerdRun["panel"];
    /** Winners: from the Buy Now answer to the order (ms). */
    checkout: { statuses: Record<string, number>; latencyMs: Spread };
    /**
     * The first `stock + line` clicks (the line's cap: lib/gate/lua/sale.ts lineCapFor), the presses
     * that find units or places in line: click → answer, and when the last of them was answered
     * (ms after the start).
     */
    firstPresses?: { count: number; latencyMs: Spread; lastAnsweredAtMs: number };
    /**
     * From the shop's stampede_press_work: per kind of answer, how many, the handler time per
     * answer (µs: synchronous JavaScript on the press's own path) and Redis commands per answer.
     */
    pressWork?: Record<string, { answers: number; handlerUs: number; redisCommands: number }>;
    /** All the shop's Redis commands during the run, per Buy Now request sent. */
    redisPerPress?: number;
    line: HerdRun["line"];
    server: ShopCounters | null;
    pg: PgStat | null;
    /** The server process's own CPU during the run (from /proc), and per request served. */
    serverCpu: { pid: number; pids?: number[]; seconds: number; msPerRequest: number } | null;
    client: {
      lagMs: HerdRun["lag"];
      queueWaitMs: Spread;
      clickLateMs: Spread;
      /** From the first request to the end: machine busy and the client's share (%). */
      cpu: HerdRun["cpu"];
      /** The server's clock minus ours, as measured before the start (ms). */
      clockOffsetMs: number;
    };
    invariant: InvariantCheck;
    aborted: boolean;
  };
  charts: {
    bucketMs: number;
    startMs: number;
    clicks: number[];
    answers: Partial<Record<Outcome, number[]>>;
    rps: { t: number; rps: number }[];
    lag: { t: number; lagMs: number }[];
    active: { t: number; active: number; queued: number }[];
    cpu: { t: number; machinePct: number; clientPct: number }[];
    stock: StockSample[];
    latency: { edgesMs: number[]; counts: number[] };
  };
};

export type ReportInput = {
  run: HerdRun;
  plan: HerdPlan;
  stock: number;
  startInMs: number;
  holdSeconds: number;
  invariant: InvariantCheck;
  server: ShopCounters | null;
  pg: PgStat | null;
  setupMs: { shoppers: number; cookies: number };
  serverCpu?: { pid: number; pids?: number[]; seconds: number } | null;
  loadAvgBefore: number[];
  commit: string | null;
  simulated: string[];
};

export function buildReport(x: ReportInput): HerdReport {
  const { run, plan } = x;
  const n = run.outcome.length;
  const outcomes = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  const trueIdx = new Set(TRUE_ANSWERS.map((o) => outcomeIndex[o]));
  const latency = new Float64Array(n).fill(Number.NaN);
  let within = 0;
  let answered = 0;
  let attempts = 0;
  for (let i = 0; i < n; i++) {
    const o = run.outcome[i]!;
    outcomes[OUTCOMES[o]!]++;
    if (o === outcomeIndex.unanswered) continue;
    const ms = run.answerAt[i]! - run.clickAt[i]!;
    latency[i] = ms;
    attempts += run.attempts[i]!;
    if (trueIdx.has(o)) {
      answered++;
      if (ms <= ANSWER_BUDGET_MS) within++;
    }
  }
  const counts = run.counts;
  let total = 0;
  let s429 = 0;
  let s503 = 0;
  let none = 0;
  for (const c of Object.values(counts)) {
    total += c.total;
    s429 += c.statuses["429"] ?? 0;
    s503 += c.statuses["503"] ?? 0;
    none += c.errors;
  }

  // Requests per second from the 250 ms samples, over 1 s windows.
  const rps: { t: number; rps: number }[] = [];
  const s = run.samples;
  for (let i = 4; i < s.length; i++) {
    const a = s[i - 4]!;
    const b = s[i]!;
    rps.push({
      t: b.t,
      rps: Math.round(((b.completed - a.completed) * 1000) / Math.max(1, b.t - a.t)),
    });
  }
  const peak = rps.reduce((m, p) => Math.max(m, p.rps), 0);
  // Mean over the active window (first click → last answer or order), from the samples.
  const inWindow = s.filter((p) => p.t >= run.activeFromMs - 250 && p.t <= run.activeToMs + 250);
  const first = inWindow[0];
  const last = inWindow.at(-1);
  const activeWindowMs = Math.round(run.activeToMs - run.activeFromMs);
  const meanRps =
    first && last && last.t > first.t
      ? Math.round(((last.completed - first.completed) * 1000) / (last.t - first.t))
      : Math.round((total * 1000) / Math.max(1, activeWindowMs));

  // Clicks and answers per time bucket, from the per-shopper arrays.
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    if (Number.isFinite(run.clickAt[i])) lo = Math.min(lo, run.clickAt[i]!);
    if (Number.isFinite(run.answerAt[i])) hi = Math.max(hi, run.answerAt[i]!);
  }
  if (!Number.isFinite(lo)) lo = 0;
  if (!Number.isFinite(hi)) hi = lo + 1;
  const span = Math.max(1_000, hi - Math.min(0, lo));
  const bucketMs = [100, 250, 500, 1_000, 2_000, 5_000].find((b) => span / b <= 240) ?? 10_000;
  const startMs = Math.floor(Math.min(0, lo) / bucketMs) * bucketMs;
  const buckets = Math.ceil((hi - startMs) / bucketMs) + 1;
  const clicks = new Array<number>(buckets).fill(0);
  const answers: Partial<Record<Outcome, number[]>> = {};
  for (let i = 0; i < n; i++) {
    if (Number.isFinite(run.clickAt[i]))
      clicks[Math.floor((run.clickAt[i]! - startMs) / bucketMs)]!++;
    if (!Number.isFinite(run.answerAt[i])) continue;
    const o = OUTCOMES[run.outcome[i]!]!;
    const arr = (answers[o] ??= new Array<number>(buckets).fill(0));
    arr[Math.floor((run.answerAt[i]! - startMs) / bucketMs)]!++;
  }
  const edgesMs = logEdges(1, 100_000, 6);

  // The first stock + line clicks, in click order.
  const byClick = Array.from({ length: n }, (_, i) => i)
    .filter((i) => Number.isFinite(run.clickAt[i]))
    .sort((a, b) => run.clickAt[a]! - run.clickAt[b]!)
    .slice(0, x.stock + lineCapFor(x.stock));
  const firstLatency = new Float64Array(byClick.length).fill(Number.NaN);
  let firstLast = 0;
  byClick.forEach((i, k) => {
    if (!Number.isFinite(run.answerAt[i])) return;
    firstLatency[k] = run.answerAt[i]! - run.clickAt[i]!;
    firstLast = Math.max(firstLast, run.answerAt[i]!);
  });

  const pw = x.server?.pressWork;
  const pressWork = pw
    ? Object.fromEntries(
        PRESS_KINDS.map((k) => {
          const answers = pw[`${k}:answers`] ?? 0;
          const per = (v: number) => (answers > 0 ? v / answers : 0);
          return [
            k,
            {
              answers,
              handlerUs: Math.round(per(pw[`${k}:handler_seconds`] ?? 0) * 1e7) / 10,
              redisCommands: Math.round(per(pw[`${k}:redis_commands`] ?? 0) * 1000) / 1000,
            },
          ] as const;
        }).filter(([, v]) => v.answers > 0),
      )
    : undefined;
  const presses = counts.buy?.total ?? 0;

  return {
    version: 1,
    mode: run.target.kind,
    createdAt: new Date().toISOString(),
    target: run.target.baseUrl,
    saleId: run.target.saleId,
    commit: x.commit,
    config: {
      shoppers: n,
      stock: x.stock,
      spreadMs: plan.spreadMs,
      concurrency: plan.concurrency,
      pollers: Math.min(plan.pollers, n),
      pollIntervalMs: plan.pollIntervalMs,
      requestTimeoutMs: plan.requestTimeoutMs,
      startInMs: x.startInMs,
      holdSeconds: x.holdSeconds,
      maxRunMs: plan.maxRunMs,
      panel: Boolean(plan.panel),
    },
    simulated: x.simulated,
    machine: {
      cpus: os.cpus().length,
      node: process.version,
      loadAvgBefore: x.loadAvgBefore,
      loadAvgAfter: os.loadavg().map((v) => Math.round(v * 100) / 100),
    },
    setupMs: x.setupMs,
    summary: {
      shoppers: n,
      answered,
      answeredWithin3s: within,
      answeredWithin3sPct: n === 0 ? 100 : Math.round((within / n) * 10_000) / 100,
      latencyMs: spread(latency),
      outcomes,
      attemptsMean: Math.round((attempts / Math.max(1, n - outcomes.unanswered)) * 100) / 100,
      requests: { total, byEndpoint: counts, status429: s429, status503: s503, noResponse: none },
      rps: { mean: meanRps, peak, activeWindowMs },
      polls: run.polls,
      panel: run.panel,
      checkout: { statuses: run.checkoutStatuses, latencyMs: spread(run.checkoutMs) },
      firstPresses: {
        count: byClick.length,
        latencyMs: spread(firstLatency),
        lastAnsweredAtMs: Math.round(firstLast),
      },
      pressWork,
      redisPerPress:
        x.server && presses > 0
          ? Math.round((x.server.redisCommands / presses) * 1000) / 1000
          : undefined,
      line: run.line,
      server: x.server,
      pg: x.pg,
      serverCpu: x.serverCpu
        ? {
            ...x.serverCpu,
            msPerRequest: Math.round((x.serverCpu.seconds * 1e5) / Math.max(1, total)) / 100,
          }
        : null,
      client: {
        lagMs: run.lag,
        queueWaitMs: spread(run.queueWaitsMs),
        clickLateMs: spread(run.clickLateMs),
        cpu: run.cpu,
        clockOffsetMs: run.clockOffsetMs,
      },
      invariant: x.invariant,
      aborted: run.aborted,
    },
    charts: {
      bucketMs,
      startMs,
      clicks,
      answers,
      rps,
      lag: run.samples.map((p) => ({ t: p.t, lagMs: p.lagMs })),
      active: run.samples.map((p) => ({ t: p.t, active: p.active, queued: p.queued })),
      cpu: run.samples.map((p) => ({
        t: p.t,
        machinePct: p.machineCpuPct,
        clientPct: p.clientCpuPct,
      })),
      stock: run.stock,
      latency: { edgesMs, counts: histogram(latency, edgesMs) },
    },
  };
}
