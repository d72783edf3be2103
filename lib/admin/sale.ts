import { z } from "zod";
import { firstErrors, type FieldErrors } from "./form-state";

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
  { ok: true; data: SaleInput } | { ok: false; fieldErrors: FieldErrors; formError?: string };

const same = (a: SaleInput, b: SaleInput, k: keyof SaleInput) =>
  a[k] instanceof Date && b[k] instanceof Date ? a[k].getTime() === b[k].getTime() : a[k] === b[k];

export function validateSale(raw: Record<string, unknown>, ctx: SaleContext): SaleCheck {
  const parsed = saleSchema(ctx.minHoldSeconds).safeParse(raw);
  if (!parsed.success) return { ok: false, fieldErrors: firstErrors(parsed.error.issues) };
  const data: SaleInput = parsed.data;
  const errors: FieldErrors = {};
  const { existing } = ctx;

  if (existing?.status === "cancelled")
    return {
      ok: false,
      fieldErrors: {},
      formError: "This sale was cancelled; it can no longer change.",
    };
  if (existing && existing.startsAt.getTime() <= ctx.now) {
    // Once shoppers may have bought, the schedule and the stock are history: only pause/cancel.
    for (const k of SALE_FIELDS)
      if (!same(existing, data, k)) errors[k] = "The sale has started: this can no longer change";
    if (Object.keys(errors).length > 0)
      return {
        ok: false,
        fieldErrors: errors,
        formError: "This sale has started. You can still pause or cancel it.",
      };
  }

  if (data.endsAt.getTime() <= data.startsAt.getTime())
    errors.endsAt = "The end must be after the start";
  else if (data.endsAt.getTime() <= ctx.now) errors.endsAt = "The end must be in the future";

  const committed = Math.max(existing?.sold ?? 0, ctx.gateCommitted ?? 0);
  if (data.stock < committed)
    errors.stock = `Stock can't go below the ${committed.toLocaleString("en-US")} units already sold or held`;

  return Object.keys(errors).length > 0 ? { ok: false, fieldErrors: errors } : { ok: true, data };
}

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
