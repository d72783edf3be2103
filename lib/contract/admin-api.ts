import "@/lib/validation/zod-jitless";
import { z } from "zod";

/**
 * The merchant dashboard's JSON answers that the browser reads: the sale monitor's poll and an
 * image upload. Routes type what they send with these; the browser parses what it gets.
 */

/** The gate's counters as the monitor shows them (not the gate script's raw reply). */
export const gateViewSchema = z.object({
  phase: z.enum(["not_started", "live", "paused", "ended"]),
  now: z.number(),
  stock: z.number(),
  avail: z.number(),
  held: z.number(),
  sold: z.number(),
  line: z.number(),
});
export type GateView = z.infer<typeof gateViewSchema>;

const stockSampleSchema = z.object({
  avail: z.number(),
  held: z.number(),
  sold: z.number(),
  line: z.number(),
});

export const seriesPointSchema = z.object({
  t: z.number(),
  span: z.number(),
  counts: z.record(z.string(), z.number().optional()),
  p95Ms: z.number().nullable(),
  stock: stockSampleSchema.optional(),
});

/** A finished drop in figures (lib/admin/sale-report.ts). */
export const saleReportSchema = z.object({
  revenueCents: z.number(),
  orders: z.number(),
  /** Buy Now answers of any kind (checkouts not included). */
  presses: z.number(),
  /** Holds handed out. */
  grants: z.number(),
  /** Orders per hold handed out (null when there was none). */
  conversion: z.number().nullable(),
  /** Holds that ran out before checkout (shoppers cannot release one, so the rest expired). */
  expiredHolds: z.number(),
  /** From the start to the first second every unit was sold, or null when some were left. */
  soldOutAfterMs: z.number().nullable(),
  sold: z.number(),
  stock: z.number(),
});
export type SaleReport = z.infer<typeof saleReportSchema>;

/** GET /api/admin/sales/{id}/monitor. */
export const monitorReplySchema = z.object({
  /** null: the gate has no state for the sale (not armed). */
  gate: gateViewSchema.nullable(),
  /** The whole series, or with `?since=<unix second>` the seconds from then on. */
  series: z.array(seriesPointSchema),
  full: z.boolean(),
  orders: z.number(),
  revenueCents: z.number(),
  /** The record in PostgreSQL: what the monitor shows when the gate is not armed. */
  record: z.object({
    stock: z.number(),
    sold: z.number(),
    startsAt: z.number(),
    endsAt: z.number(),
    status: z.enum(["scheduled", "paused", "cancelled"]),
  }),
  /** Once the sale is over (ended or cancelled): the drop in figures, over its whole series. */
  report: saleReportSchema.nullable(),
});
export type MonitorReply = z.infer<typeof monitorReplySchema>;

/** POST /api/admin/images: the stored image, or why not. */
export const imageUploadReplySchema = z.union([
  z.object({ id: z.string(), url: z.string() }),
  z.object({
    status: z.string(),
    message: z.string().optional(),
    fieldErrors: z.object({ imageId: z.string().optional() }).optional(),
  }),
]);
export type ImageUploadReply = z.infer<typeof imageUploadReplySchema>;
