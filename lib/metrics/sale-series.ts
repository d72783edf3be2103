import type { Redis } from "@upstash/redis";
import { redis as defaultRedis } from "@/lib/redis/client";
import { saleKeys } from "@/lib/redis/keys";
import {
  LATENCY_BUCKETS,
  percentile,
  STOCK_FIELDS,
  type Outcome,
  type StockSample,
} from "./sale-stats";

/** Reading a sale's series (written by ./sale-stats.ts) back for the monitor and its report. */

export type SeriesPoint = {
  /** Start of the interval (ms). */
  t: number;
  /** Seconds the point covers: 1, or more when a long series is merged to fit the chart. */
  span: number;
  counts: Partial<Record<Outcome, number>>;
  p95Ms: number | null;
  /** The last stock sample inside the interval, when there was one. */
  stock?: StockSample;
};

/** Buy Now's answers, as the series counts them. */
export const BUY_NOW_OUTCOMES = [
  "secured",
  "in_line",
  "sold_out",
  "not_started",
  "ended",
  "already_purchased",
  "rate_limited",
  "unavailable",
] as const satisfies readonly Outcome[];
const OUTCOMES: Outcome[] = [...BUY_NOW_OUTCOMES, "checkout"];
const FIELDS = [
  ...OUTCOMES,
  ...Array.from({ length: LATENCY_BUCKETS.length + 1 }, (_, i) => `lat:${i}`),
  ...STOCK_FIELDS.map((f) => `s:${f}`),
];
/** A chart has room for about this many points; a longer series is merged into wider intervals. */
export const MAX_POINTS = 900;
/** How far back an incremental read may reach; further, read the whole series. */
export const MAX_SINCE_SECONDS = 600;

type Second = { counts: Partial<Record<Outcome, number>>; hist: number[]; stock?: StockSample };

function bySecond(values: Record<string, unknown>): Map<number, Second> {
  const out = new Map<number, Second>();
  for (const [name, raw] of Object.entries(values)) {
    if (raw === null || raw === undefined) continue;
    const i = name.indexOf(":");
    const sec = Number(name.slice(0, i));
    const field = name.slice(i + 1);
    if (!Number.isInteger(sec)) continue;
    let s = out.get(sec);
    if (!s) out.set(sec, (s = { counts: {}, hist: [] }));
    const n = Number(raw);
    if (field.startsWith("lat:")) s.hist[Number(field.slice(4))] = n;
    else if (field.startsWith("s:")) {
      s.stock ??= { avail: 0, held: 0, sold: 0, line: 0 };
      s.stock[field.slice(2) as keyof StockSample] = n;
    } else s.counts[field as Outcome] = n;
  }
  return out;
}

/** Seconds merged into intervals of `span` seconds from `first`: counts add up, stock is the latest. */
function toPoints(seconds: Map<number, Second>, span = 1): SeriesPoint[] {
  const secs = [...seconds.keys()].sort((a, b) => a - b);
  const first = secs[0];
  if (first === undefined) return [];
  const merged = new Map<number, Second>();
  for (const sec of secs) {
    const s = seconds.get(sec)!;
    const key = first + Math.floor((sec - first) / span) * span;
    const m = merged.get(key) ?? { counts: {}, hist: [] };
    for (const [k, n] of Object.entries(s.counts) as [Outcome, number][])
      m.counts[k] = (m.counts[k] ?? 0) + n;
    s.hist.forEach((n, i) => (m.hist[i] = (m.hist[i] ?? 0) + (n ?? 0)));
    if (s.stock) m.stock = s.stock;
    merged.set(key, m);
  }
  return [...merged].map(([sec, m]) => ({
    t: sec * 1000,
    span,
    counts: m.counts,
    p95Ms: percentile(m.hist, 0.95),
    ...(m.stock ? { stock: m.stock } : {}),
  }));
}

/** The whole series, oldest first, in at most MAX_POINTS intervals of equal width. */
export async function readSaleSeries(
  saleId: string,
  r: () => Redis = defaultRedis,
): Promise<SeriesPoint[]> {
  const values = (await r().hgetall(saleKeys(saleId).stats)) ?? {};
  const seconds = bySecond(values as Record<string, unknown>);
  const secs = [...seconds.keys()];
  const width = secs.length ? Math.max(...secs) - Math.min(...secs) + 1 : 0;
  return toPoints(seconds, Math.max(1, Math.ceil(width / MAX_POINTS)));
}

/**
 * The seconds from `sinceSec` to now, one point each: exactly those fields (HMGET), so a
 * monitor polling once a second reads a few seconds, however long the sale has run.
 */
export async function readSaleSeriesSince(
  saleId: string,
  sinceSec: number,
  r: () => Redis = defaultRedis,
): Promise<SeriesPoint[]> {
  const now = Math.floor(Date.now() / 1000);
  const from = Math.max(sinceSec, now - MAX_SINCE_SECONDS);
  const secs = Array.from({ length: Math.max(0, now - from + 1) }, (_, i) => from + i);
  if (secs.length === 0) return [];
  const names = secs.flatMap((sec) => FIELDS.map((f) => `${sec}:${f}`));
  const values = (await r().hmget(saleKeys(saleId).stats, ...names)) ?? {};
  return toPoints(bySecond(values as Record<string, unknown>));
}
