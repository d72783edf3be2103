import type { SaleReport } from "@/lib/contract/admin-api";
import { BUY_NOW_OUTCOMES, type SeriesPoint } from "@/lib/metrics/sale-series";

/**
 * A finished drop in figures, from the record (orders in PostgreSQL), the gate's counters and
 * the sale's series. Pure, so every figure is testable without a drop.
 */

export type { SaleReport };

export type ReportInput = {
  series: SeriesPoint[];
  startsAt: number;
  stock: number;
  sold: number;
  /** Holds still live (0 once the gate has reaped them; the gate's own count when armed). */
  held: number;
  /** The gate's count of holds handed out, when it is armed; else the series' secured answers. */
  grants: number | null;
  orders: number;
  revenueCents: number;
};

export function saleReport(i: ReportInput): SaleReport {
  const sum = (k: (typeof BUY_NOW_OUTCOMES)[number]) =>
    i.series.reduce((a, p) => a + (p.counts[k] ?? 0), 0);
  const grants = i.grants ?? sum("secured");
  const soldOut =
    i.sold >= i.stock ? i.series.find((p) => p.stock && p.stock.sold >= i.stock) : undefined;
  return {
    revenueCents: i.revenueCents,
    orders: i.orders,
    presses: BUY_NOW_OUTCOMES.reduce((a, k) => a + sum(k), 0),
    grants,
    conversion: grants > 0 ? i.orders / grants : null,
    expiredHolds: Math.max(0, grants - i.sold - i.held),
    soldOutAfterMs: soldOut ? Math.max(0, soldOut.t + soldOut.span * 1000 - i.startsAt) : null,
    sold: i.sold,
    stock: i.stock,
  };
}
