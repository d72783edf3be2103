import type { Sample } from "./loops";

/** Percentiles, error rates and the side-by-side table of the browse-under-herd benchmark. */

export type Figures = { n: number; rps: number; p50: number; p99: number; errorRate: number };

export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** A browsing error is anything but 200 (status 0: no answer within the timeout). */
export function figures(samples: readonly Sample[], seconds: number): Figures {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  const errors = samples.filter((s) => s.status !== 200).length;
  return {
    n: samples.length,
    rps: samples.length / seconds,
    p50: percentile(ms, 0.5),
    p99: percentile(ms, 0.99),
    errorRate: samples.length ? errors / samples.length : NaN,
  };
}

export const median = (values: readonly number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** Field-wise median of several runs' figures. */
export const medianFigures = (runs: readonly Figures[]): Figures => ({
  n: median(runs.map((r) => r.n)),
  rps: median(runs.map((r) => r.rps)),
  p50: median(runs.map((r) => r.p50)),
  p99: median(runs.map((r) => r.p99)),
  errorRate: median(runs.map((r) => r.errorRate)),
});

const ms = (v: number) => (v < 10 ? v.toFixed(1) : v.toFixed(0));
const pct = (v: number) => `${(v * 100).toFixed(2)} %`;

export type Row = { label: string; alone: Figures; herd: Figures };

/** A Markdown table (it reads fine in a terminal too). */
export function table(rows: readonly Row[]): string {
  const lines = [
    "| browsing | alone p50 / p99 (ms) | alone errors | under herd p50 / p99 (ms) | under herd errors |",
    "| --- | --- | --- | --- | --- |",
  ];
  for (const { label, alone, herd } of rows)
    lines.push(
      `| ${label} | ${ms(alone.p50)} / ${ms(alone.p99)} | ${pct(alone.errorRate)} | ${ms(herd.p50)} / ${ms(herd.p99)} | ${pct(herd.errorRate)} |`,
    );
  return lines.join("\n");
}

/** Answers by status, e.g. "200: 51,210 · 429: 1,024". */
export function statusCounts(samples: readonly Sample[]): string {
  const counts = new Map<number, number>();
  for (const s of samples) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
  return [...counts]
    .sort(([a], [b]) => a - b)
    .map(([status, n]) => `${status === 0 ? "no answer" : status}: ${n.toLocaleString("en-US")}`)
    .join(" · ");
}
