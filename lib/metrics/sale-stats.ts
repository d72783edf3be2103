import type { Redis } from "@upstash/redis";
import { redis as defaultRedis } from "@/lib/redis/client";
import { gate } from "@/lib/gate/gate";
import { saleKeys } from "@/lib/redis/keys";

/**
 * A sale's series for the merchant's monitor, kept in Redis for the sale's whole life: per
 * second, Buy Now answers by kind, checkouts, latency buckets, and a sample of the gate's stock
 * (remaining, held, sold, line). Buy Now only bumps in-memory counters; each instance writes
 * them once a second in one pipeline, so the hot path pays no extra round trip. One hash per
 * sale, a field per (second, kind) only for seconds that had something to record, dropped a
 * week after the sale ends. Read back by ./sale-series.ts.
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

/** The gate's stock at one second (fields `<sec>:s:<name>`, the last sample of the second wins). */
export type StockSample = { avail: number; held: number; sold: number; line: number };
export const STOCK_FIELDS = ["avail", "held", "sold", "line"] as const;

/** How long the series outlives its sale: long enough to read the report the week after. */
export const KEEP_AFTER_END_SECONDS = 7 * 24 * 3600;

type Counts = Map<number, Map<string, number>>; // second -> field -> n
type Sample = { sec: number; stock: StockSample; endsAt: number };

let pending = new Map<string, Counts>();
let samples = new Map<string, Sample>();
let timer: NodeJS.Timeout | undefined;

const bucketOf = (ms: number) => {
  const i = LATENCY_BUCKETS.findIndex((b) => ms <= b);
  return i === -1 ? LATENCY_BUCKETS.length : i;
};

const schedule = () => {
  timer ??= setTimeout(() => void flushSaleStats(), 1_000);
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
  schedule();
}

/** The gate's counters as some caller just read them (the monitor, the flush): one sample a second. */
export function recordStock(
  saleId: string,
  c: StockSample & { now: number; endsAt: number },
): void {
  samples.set(saleId, {
    sec: Math.floor(c.now / 1000),
    stock: { avail: c.avail, held: c.held, sold: c.sold, line: c.line },
    endsAt: c.endsAt,
  });
  schedule();
}

type StateReader = (
  saleId: string,
) => Promise<({ s: "ok"; now: number; endsAt: number } & StockSample) | { s: string }>;

/**
 * Writes what this instance counted since the last flush. A sale that had answers but no stock
 * sample this second gets one from the gate (one script call per such sale, at most once a
 * second per instance), so the stock line follows the drop even when nobody watches it.
 */
export async function flushSaleStats(
  r: () => Redis = defaultRedis,
  readState: StateReader = (id) => gate.state(id),
): Promise<void> {
  timer = undefined;
  const batch = pending;
  const sampled = samples;
  pending = new Map();
  samples = new Map();
  const nowSec = Math.floor(Date.now() / 1000);
  await Promise.all(
    [...batch.keys()]
      .filter((id) => sampled.get(id)?.sec !== nowSec)
      .map(async (id) => {
        const s = await readState(id).catch(() => null);
        if (s && s.s === "ok" && "avail" in s)
          sampled.set(id, {
            sec: Math.floor(s.now / 1000),
            stock: { avail: s.avail, held: s.held, sold: s.sold, line: s.line },
            endsAt: s.endsAt,
          });
      }),
  );
  if (batch.size === 0 && sampled.size === 0) return;
  const p = r().pipeline();
  for (const saleId of new Set([...batch.keys(), ...sampled.keys()])) {
    const key = saleKeys(saleId).stats;
    for (const [sec, fields] of batch.get(saleId) ?? [])
      for (const [f, n] of fields) p.hincrby(key, `${sec}:${f}`, n);
    const sample = sampled.get(saleId);
    if (sample)
      p.hset(
        key,
        Object.fromEntries(STOCK_FIELDS.map((f) => [`${sample.sec}:s:${f}`, sample.stock[f]])),
      );
    // Until a week after the end (the end as the gate knows it; unknown → a week from now).
    const endSec = sample ? Math.ceil(sample.endsAt / 1000) : nowSec;
    p.expireat(key, Math.max(endSec, nowSec) + KEEP_AFTER_END_SECONDS);
  }
  try {
    await p.exec();
  } catch {
    // Monitor figures are best effort: losing a second of them must not hurt a sale.
  }
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
