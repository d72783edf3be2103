import { describe, expect, it } from "vitest";
import type { SeriesPoint } from "@/lib/metrics/sale-series";
import { saleReport } from "./sale-report";

const START = Date.parse("2030-05-01T12:00:00Z");
const point = (sec: number, counts: SeriesPoint["counts"], sold?: number): SeriesPoint => ({
  t: START + sec * 1000,
  span: 1,
  counts,
  p95Ms: null,
  ...(sold === undefined ? {} : { stock: { avail: 10 - sold, held: 0, sold, line: 0 } }),
});

describe("saleReport", () => {
  const series = [
    point(-3, { not_started: 4 }, 0),
    point(0, { secured: 8, in_line: 5 }, 0),
    point(1, { secured: 4, sold_out: 20, checkout: 6 }, 6),
    point(6, { checkout: 4 }, 10),
  ];

  it("adds up revenue, conversion, expired holds and the time to sell out", () => {
    expect(
      saleReport({
        series,
        startsAt: START,
        stock: 10,
        sold: 10,
        held: 0,
        grants: 12,
        orders: 10,
        revenueCents: 10 * 2_500,
      }),
    ).toEqual({
      revenueCents: 25_000,
      orders: 10,
      presses: 41,
      grants: 12,
      conversion: 10 / 12,
      expiredHolds: 2,
      soldOutAfterMs: 7_000,
      sold: 10,
      stock: 10,
    });
  });

  it("counts grants from the series when the gate is gone, and says when units were left", () => {
    const r = saleReport({
      series: series.slice(0, 3),
      startsAt: START,
      stock: 10,
      sold: 6,
      held: 0,
      grants: null,
      orders: 6,
      revenueCents: 6 * 2_500,
    });
    expect(r).toMatchObject({ grants: 12, expiredHolds: 6, soldOutAfterMs: null });
    expect(r.conversion).toBeCloseTo(0.5);
  });
});
