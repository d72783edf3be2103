import type { Redis } from "@upstash/redis";
import { redis as defaultRedis } from "@/lib/redis/client";
import { saleKeys } from "@/lib/redis/keys";

/**
 * Per-sale, per-second outcome counts and latency histograms, shared by every instance, for
 * the merchant's live monitor. Buy Now only bumps in-memory counters; each instance flushes
 * them to Redis once a second in one pipeline, so the hot path pays no extra round trip.
 */

export type Outcome =
  | "secured"
  | "in_line"
  | "sold_out"
  | "not_started"
  | "ended"
  | "already_purchased"
  | "rate_limited"
  | "unavailable"
  | "checkout";

/** Latency bucket upper bounds (ms); the last bucket is "more". */
export const LATENCY_BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500] as const;

const KEEP_SECONDS = 3600;
type Pending = Map<string, Map<number, Map<string, number>>>; // sale -> second -> field -> n

let pending: Pending = new Map();
let timer: NodeJS.Timeout | undefined;

const bucketOf = (ms: number) => {
  const i = LATENCY_BUCKETS.findIndex((b) => ms <= b);
  return i === -1 ? LATENCY_BUCKETS.length : i;
};

export function recordOutcome(
  saleId: string,
  outcome: Outcome,
  latencyMs?: number,
  at = Date.now(),
) {
  const sec = Math.floor(at / 1000);
  let bySec = pending.get(saleId);
  if (!bySec) pending.set(saleId, (bySec = new Map()));
  let fields = bySec.get(sec);
  if (!fields) bySec.set(sec, (fields = new Map()));
  fields.set(outcome, (fields.get(outcome) ?? 0) + 1);
  if (latencyMs !== undefined && outcome !== "checkout") {
    const f = `lat:${bucketOf(latencyMs)}`;
    fields.set(f, (fields.get(f) ?? 0) + 1);
  }
  timer ??= setTimeout(() => void flushSaleStats(), 1_000);
}

/** Writes what this instance counted since the last flush. */
export async function flushSaleStats(r: () => Redis = defaultRedis): Promise<void> {
  timer = undefined;
  const batch = pending;
  pending = new Map();
  if (batch.size === 0) return;
  const p = r().pipeline();
  for (const [saleId, bySec] of batch) {
    const key = saleKeys(saleId).stats;
    for (const [sec, fields] of bySec)
      for (const [f, n] of fields) p.hincrby(key, `${sec}:${f}`, n);
    p.expire(key, KEEP_SECONDS);
  }
  try {
    await p.exec();
  } catch {
    // Monitor figures are best effort: losing a second of them must not hurt a sale.
  }
}

export type SecondStats = {
  t: number;
  counts: Partial<Record<Outcome, number>>;
  p95Ms: number | null;
};

/** The last `seconds` seconds of one sale, oldest first, one entry per second. */
const OUTCOMES: Outcome[] = [
  "secured",
  "in_line",
  "sold_out",
  "not_started",
  "ended",
  "already_purchased",
  "rate_limited",
  "unavailable",
  "checkout",
];
const FIELDS = [
  ...OUTCOMES,
  ...Array.from({ length: LATENCY_BUCKETS.length + 1 }, (_, i) => `lat:${i}`),
];

/**
 * The last `seconds` seconds of one sale, oldest first, one entry per second. Reads exactly the
 * window's fields (HMGET), however long the sale has run.
 */
export async function readSaleStats(
  saleId: string,
  seconds = 120,
  r: () => Redis = defaultRedis,
): Promise<SecondStats[]> {
  const now = Math.floor(Date.now() / 1000);
  const secs = Array.from({ length: seconds }, (_, i) => now - seconds + 1 + i);
  const names = secs.flatMap((sec) => FIELDS.map((f) => `${sec}:${f}`));
  const values = ((await r().hmget(saleKeys(saleId).stats, ...names)) ?? {}) as Record<
    string,
    unknown
  >;
  return secs.map((sec) => {
    const counts: Partial<Record<Outcome, number>> = {};
    const hist: number[] = [];
    for (const f of FIELDS) {
      const v = values[`${sec}:${f}`];
      if (v === null || v === undefined) continue;
      if (f.startsWith("lat:")) hist[Number(f.slice(4))] = Number(v);
      else counts[f as Outcome] = Number(v);
    }
    return { t: sec * 1000, counts, p95Ms: percentile(hist, 0.95) };
  });
}

/** The bucket bound under which `q` of the samples fall (null when there are none). */
export function percentile(hist: number[], q: number): number | null {
  const total = hist.reduce((a, b) => a + (b ?? 0), 0);
  if (total === 0) return null;
  let seen = 0;
  for (let i = 0; i <= LATENCY_BUCKETS.length; i++) {
    seen += hist[i] ?? 0;
    if (seen >= total * q)
      return LATENCY_BUCKETS[i] ?? LATENCY_BUCKETS[LATENCY_BUCKETS.length - 1]! * 2;
  }
  return null;
}
