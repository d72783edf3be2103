import "@/lib/validation/zod-jitless";
import { z } from "zod";
import type { FieldErrors } from "./form-state";

/**
 * Merchant sale input. Shape rules come from the schema; the rules that need the clock, the
 * saved sale or the gate's counters are checked by `validateSale` with an explicit context,
 * so every rule is testable without a database.
 */

export const STOCK_MAX = 1_000_000;
export const LIMIT_MAX = 10;
export const HOLD_MAX_SECONDS = 900;
const EARLIEST = Date.UTC(2000, 0, 1);
const LATEST = Date.UTC(10000, 0, 1) - 1;

const whole = (label: string, min: number, max: number, range: string) =>
  z
    .string({ error: `Enter ${label}` })
    .trim()
    .min(1, `Enter ${label}`)
    .regex(/^\d+$/, `Enter ${label} as a whole number`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `${range}`);

const instant = (label: string) =>
  z
    .string({ error: `Enter ${label}` })
    .trim()
    .min(1, `Enter ${label}`)
    .max(64, `Enter ${label}`)
    .transform((v, ctx) => {
      const t = Date.parse(v);
      if (Number.isNaN(t)) {
        ctx.addIssue({ code: "custom", message: `Enter ${label}` });
        return z.NEVER;
      }
      // JavaScript dates reach 271,821 BC, PostgreSQL's 4713 BC: outside, the write would throw.
      if (t < EARLIEST || t > LATEST) {
        ctx.addIssue({ code: "custom", message: `Enter ${label} between 2000 and 9999` });
        return z.NEVER;
      }
      return new Date(t);
    });

export const saleSchema = (minHoldSeconds: number) =>
  z.object({
    productId: z
      .string({ error: "Choose a product" })
      .trim()
      .pipe(z.uuid({ error: "Choose a product" })),
    startsAt: instant("a start date and time"),
    endsAt: instant("an end date and time"),
    stock: whole("the stock", 1, STOCK_MAX, "Stock must be between 1 and 1,000,000"),
    perShopperLimit: whole(
      "a per-shopper limit",
      1,
      LIMIT_MAX,
      `The per-shopper limit must be between 1 and ${LIMIT_MAX}`,
    ),
    holdSeconds: whole(
      "a hold time",
      minHoldSeconds,
      HOLD_MAX_SECONDS,
      `The hold time must be between ${minHoldSeconds} and ${HOLD_MAX_SECONDS} seconds`,
    ),
  });

export type SaleInput = {
  productId: string;
  startsAt: Date;
  endsAt: Date;
  stock: number;
  perShopperLimit: number;
  holdSeconds: number;
};
export const SALE_FIELDS = [
  "productId",
  "startsAt",
  "endsAt",
  "stock",
  "perShopperLimit",
  "holdSeconds",
] as const satisfies readonly (keyof SaleInput)[];

export type SaleContext = {
  /** The clock to judge "started" and "in the future" by (ms). */
  now: number;
  minHoldSeconds: number;
  /** The saved sale, when editing one. */
  existing?: SaleInput & { status: "scheduled" | "paused" | "cancelled"; sold: number };
  /** Units the gate counts as sold or held right now (absent when the gate is not armed). */
  gateCommitted?: number;
};

export type SaleCheck =
  | { ok: true; data: SaleInput }
  | {
      ok: false;
      fieldErrors: FieldErrors;
      formError?: string;
      /** The fields that parsed, so the caller's own checks (product, overlap) join this round. */
      partial: Partial<SaleInput>;
    };

const same = (a: SaleInput, b: Partial<SaleInput>, k: keyof SaleInput) =>
  a[k] instanceof Date && b[k] instanceof Date ? a[k].getTime() === b[k].getTime() : a[k] === b[k];

/**
 * Every rule at once: each field is parsed on its own, and each cross-field rule runs when its
 * fields parsed, so a merchant sees all that is wrong after one save, not in rounds.
 */
export function validateSale(raw: Record<string, unknown>, ctx: SaleContext): SaleCheck {
  const { existing } = ctx;
  if (existing?.status === "cancelled")
    return {
      ok: false,
      fieldErrors: {},
      formError: "This sale was cancelled; it can no longer change.",
      partial: {},
    };
  const shape = saleSchema(ctx.minHoldSeconds).shape;
  const errors: FieldErrors = {};
  const data: Partial<SaleInput> = {};
  for (const k of SALE_FIELDS) {
    const r = shape[k].safeParse(raw[k]);
    if (r.success) (data as Record<string, unknown>)[k] = r.data;
    else errors[k] = r.error.issues[0]?.message;
  }

  if (existing && existing.startsAt.getTime() <= ctx.now) {
    // Once shoppers may have bought, the schedule and the stock are history: only pause/cancel.
    for (const k of SALE_FIELDS)
      if (k in data && !same(existing, data, k))
        errors[k] = "The sale has started: this can no longer change";
    if (Object.keys(errors).length > 0)
      return {
        ok: false,
        fieldErrors: errors,
        formError: "This sale has started. You can still pause or cancel it.",
        partial: data,
      };
  }

  if (data.startsAt && data.endsAt) {
    if (data.endsAt.getTime() <= data.startsAt.getTime())
      errors.endsAt = "The end must be after the start";
    else if (data.endsAt.getTime() <= ctx.now) errors.endsAt = "The end must be in the future";
  }

  const committed = Math.max(existing?.sold ?? 0, ctx.gateCommitted ?? 0);
  if (data.stock !== undefined && data.stock < committed)
    errors.stock = `Stock can't go below the ${committed.toLocaleString("en-US")} units already sold or held`;

  return Object.keys(errors).length > 0 || !isComplete(data)
    ? { ok: false, fieldErrors: errors, partial: data }
    : { ok: true, data };
}

const isComplete = (d: Partial<SaleInput>): d is SaleInput => SALE_FIELDS.every((k) => k in d);

/** "2026-12-02 18:00 UTC": the server does not know the merchant's zone, so it names UTC. */
const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

/**
 * One product has at most one sale at a time (paused ones included: they may resume), so the
 * storefront never has to choose between two drops of the same thing.
 */
export const overlapMessage = (other: { startsAt: Date; endsAt: Date }) =>
  `This product already has a sale from ${utc(other.startsAt)} to ${utc(other.endsAt)}. Sales of one product can't overlap.`;

/** The error shown when the gate refuses a stock change (it counted more units than PostgreSQL did). */
export const GATE_STOCK_ERROR = "Stock can't go below the units already sold or held in the sale";

// ---- Pause, resume, cancel ----

export type SaleStatus = "scheduled" | "paused" | "cancelled";
export type StatusOp = "pause" | "resume" | "cancel";

/** The status a pause/resume/cancel leads to, or why it is refused. */
export function nextStatus(
  op: StatusOp,
  sale: { status: SaleStatus; endsAt: Date },
  now: number,
): { ok: true; status: SaleStatus } | { ok: false; message: string } {
  if (sale.status === "cancelled") return { ok: false, message: "This sale was cancelled." };
  if (sale.endsAt.getTime() <= now) return { ok: false, message: "This sale has ended." };
  switch (op) {
    case "pause":
      return sale.status === "scheduled"
        ? { ok: true, status: "paused" }
        : { ok: false, message: "This sale is already paused." };
    case "resume":
      return sale.status === "paused"
        ? { ok: true, status: "scheduled" }
        : { ok: false, message: "This sale is not paused." };
    case "cancel":
      return { ok: true, status: "cancelled" };
  }
}
