import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { redis } from "@/lib/redis/client";
import { saleKeys } from "@/lib/redis/keys";
import { MAX_POINTS, readSaleSeries, readSaleSeriesSince } from "./sale-series";
import {
  flushSaleStats,
  KEEP_AFTER_END_SECONDS,
  percentile,
  recordOutcome,
  recordStock,
} from "./sale-stats";

const stock = { avail: 7, held: 2, sold: 1, line: 0 };
const notArmed = async () => ({ s: "not_armed" });

describe("a sale's series", () => {
  it("counts outcomes per second across flushes and reads the whole series back", async () => {
    const saleId = randomUUID();
    const at = Date.now();
    for (let i = 0; i < 7; i++) recordOutcome(saleId, "secured", 3, at);
    for (let i = 0; i < 3; i++) recordOutcome(saleId, "rate_limited", 1, at);
    await flushSaleStats(redis, notArmed);
    recordOutcome(saleId, "secured", 40, at);
    await flushSaleStats(redis, notArmed);
    const series = await readSaleSeries(saleId);
    expect(series).toHaveLength(1);
    expect(series[0]).toMatchObject({
      t: Math.floor(at / 1000) * 1000,
      span: 1,
      counts: { secured: 8, rate_limited: 3 },
      // 11 samples: 3 at ≤1 ms, 7 at ≤5 ms, 1 at ≤50 ms → p95 in the 50 ms bucket.
      p95Ms: 50,
    });
    expect(await readSaleSeriesSince(saleId, Math.floor(at / 1000) - 2)).toEqual(series);
  });

  it("keeps a stock sample per second, read from the gate when the second had answers", async () => {
    const saleId = randomUUID();
    const now = Date.now();
    const endsAt = now + 3_600_000;
    recordStock(saleId, { ...stock, now: now - 5_000, endsAt });
    await flushSaleStats(redis, notArmed);
    recordOutcome(saleId, "secured", 2, now);
    await flushSaleStats(redis, async () => ({
      s: "ok",
      now,
      endsAt,
      ...stock,
      avail: 6,
      held: 3,
    }));
    const series = await readSaleSeries(saleId);
    expect(series.map((p) => p.stock)).toEqual([stock, { ...stock, avail: 6, held: 3 }]);
    // Kept for a week after the sale's end, not an hour after the last write.
    const ttl = await redis().ttl(saleKeys(saleId).stats);
    expect(ttl).toBeGreaterThan(3600 + KEEP_AFTER_END_SECONDS - 60);
  });

  it("merges a long series into at most MAX_POINTS intervals, adding counts up", async () => {
    const saleId = randomUUID();
    const start = Math.floor(Date.now() / 1000) - 3 * MAX_POINTS;
    const fields: Record<string, number> = {};
    for (let i = 0; i < 3 * MAX_POINTS; i++) fields[`${start + i}:secured`] = 1;
    fields[`${start + 5}:s:sold`] = 4;
    await redis().hset(saleKeys(saleId).stats, fields);
    const series = await readSaleSeries(saleId);
    expect(series.length).toBeLessThanOrEqual(MAX_POINTS);
    expect(series[0]!.span).toBe(3);
    expect(series.reduce((a, p) => a + (p.counts.secured ?? 0), 0)).toBe(3 * MAX_POINTS);
    expect(series[1]!.stock?.sold).toBe(4);
    await redis().del(saleKeys(saleId).stats);
  });

  it("percentile reads bucket bounds", () => {
    expect(percentile([], 0.95)).toBeNull();
    expect(percentile([10], 0.5)).toBe(1);
    expect(percentile([0, 0, 5, 5], 0.5)).toBe(5);
  });
});
