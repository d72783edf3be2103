import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { flushSaleStats, percentile, readSaleStats, recordOutcome } from "./sale-stats";

describe("sale stats", () => {
  it("counts outcomes per second across flushes and reads the window back", async () => {
    const saleId = randomUUID();
    const at = Date.now();
    for (let i = 0; i < 7; i++) recordOutcome(saleId, "secured", 3, at);
    for (let i = 0; i < 3; i++) recordOutcome(saleId, "rate_limited", 1, at);
    await flushSaleStats();
    recordOutcome(saleId, "secured", 40, at);
    await flushSaleStats();
    const stats = await readSaleStats(saleId, 5);
    expect(stats).toHaveLength(5);
    const sec = stats.find((s) => s.t === Math.floor(at / 1000) * 1000)!;
    expect(sec.counts).toEqual({ secured: 8, rate_limited: 3 });
    // 11 samples: 3 at ≤1 ms, 7 at ≤5 ms, 1 at ≤50 ms → p95 in the 50 ms bucket.
    expect(sec.p95Ms).toBe(50);
  });

  it("percentile reads bucket bounds", () => {
    expect(percentile([], 0.95)).toBeNull();
    expect(percentile([10], 0.5)).toBe(1);
    expect(percentile([0, 0, 5, 5], 0.5)).toBe(5);
  });
});
