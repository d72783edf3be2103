import { readFileSync } from "node:fs";
import os from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";

/** Small numeric helpers for the herd: percentiles over typed arrays, histograms, event-loop lag. */

export type Spread = {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
};

const round = (v: number) => Math.round(v * 10) / 10;

/** Percentiles of the finite values in `values` (NaN entries are skipped). Nearest-rank. */
export function spread(values: ArrayLike<number>): Spread {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) n++;
  if (n === 0) return { n: 0, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 };
  const sorted = new Float64Array(n);
  let j = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) {
      sorted[j++] = v;
      sum += v;
    }
  }
  sorted.sort();
  const at = (q: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))]!;
  return {
    n,
    p50: round(at(0.5)),
    p95: round(at(0.95)),
    p99: round(at(0.99)),
    max: round(sorted[n - 1]!),
    mean: round(sum / n),
  };
}

/** Log-spaced bucket edges from `minMs` to `maxMs` (about `perDecade` buckets per factor of 10). */
export function logEdges(minMs: number, maxMs: number, perDecade = 8): number[] {
  const edges: number[] = [0];
  const step = 10 ** (1 / perDecade);
  for (let e = minMs; e < maxMs * step; e *= step) edges.push(Math.round(e * 100) / 100);
  return edges;
}

/** Counts per bucket [edges[i], edges[i+1]); the last bucket is open-ended. */
export function histogram(values: ArrayLike<number>, edges: number[]): number[] {
  const counts = new Array<number>(edges.length).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    let lo = 0;
    let hi = edges.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (edges[mid]! <= v) lo = mid;
      else hi = mid - 1;
    }
    counts[lo]!++;
  }
  return counts;
}

/**
 * The client's own event-loop delay: if this is high, latencies measured by the herd include
 * time the herd itself was too busy to read the answer (a slow client, not a slow server).
 */
export function lagMonitor() {
  // The histogram records whole timer intervals: subtract the resolution to get the delay.
  const resolution = 20;
  const h = monitorEventLoopDelay({ resolution });
  h.enable();
  let windowMax = 0;
  let last = performance.now();
  const period = 50;
  // A cheap drift sampler for the timeline: how late a 50 ms timer fires.
  const timer = setInterval(() => {
    const now = performance.now();
    windowMax = Math.max(windowMax, now - last - period);
    last = now;
  }, period);
  timer.unref();
  return {
    /** Worst lag seen since the previous call (ms). */
    takeWindowMax(): number {
      const v = windowMax;
      windowMax = 0;
      return Math.max(0, Math.round(v));
    },
    summary() {
      const ms = (ns: number) => Math.max(0, Math.round((ns / 1e6 - resolution) * 100) / 100);
      return {
        p50: ms(h.percentile(50)),
        p99: ms(h.percentile(99)),
        max: ms(h.max),
        mean: ms(h.mean),
      };
    },
    stop() {
      clearInterval(timer);
      h.disable();
    },
  };
}

/**
 * CPU use while the herd runs: the whole machine's busy share (from /proc/stat, so other
 * programs on the machine show up too) and this process's own share of the machine.
 */
export function cpuMeter() {
  const cores = Math.max(1, availableCores());
  const read = () => {
    try {
      const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0]!;
      const f = line.trim().split(/\s+/).slice(1).map(Number);
      const idle = (f[3] ?? 0) + (f[4] ?? 0);
      const total = f.reduce((a, b) => a + b, 0);
      return { idle, total };
    } catch {
      return null;
    }
  };
  let prevStat = read();
  let prevSelf = process.cpuUsage();
  let prevAt = performance.now();
  const first = { stat: prevStat, self: prevSelf, at: prevAt };
  const measure = (
    a: { stat: ReturnType<typeof read>; self: NodeJS.CpuUsage; at: number },
    stat: ReturnType<typeof read>,
    self: NodeJS.CpuUsage,
    at: number,
  ) => {
    const machine =
      a.stat && stat && stat.total > a.stat.total
        ? 100 * (1 - (stat.idle - a.stat.idle) / (stat.total - a.stat.total))
        : Number.NaN;
    const selfMs = (self.user - a.self.user + self.system - a.self.system) / 1000;
    const client = (100 * selfMs) / Math.max(1, at - a.at) / cores;
    return { machinePct: Math.round(machine), clientPct: Math.round(client) };
  };
  return {
    /** Since the previous call. */
    take() {
      const stat = read();
      const self = process.cpuUsage();
      const at = performance.now();
      const m = measure({ stat: prevStat, self: prevSelf, at: prevAt }, stat, self, at);
      prevStat = stat;
      prevSelf = self;
      prevAt = at;
      return m;
    },
    /** Since the meter was made. */
    total() {
      return measure(first, read(), process.cpuUsage(), performance.now());
    },
  };
}

function availableCores(): number {
  return typeof os.availableParallelism === "function"
    ? os.availableParallelism()
    : os.cpus().length;
}
