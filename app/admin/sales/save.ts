import "server-only";
import * as q from "@/db/admin-queries";
import type { Sale } from "@/db/schema";
import type { FieldErrors, FormState, FormValues } from "@/lib/admin/form-state";
import {
  GATE_STOCK_ERROR,
  nextStatus,
  overlapMessage,
  SALE_FIELDS,
  validateSale,
  type SaleCheck,
  type SaleInput,
  type StatusOp,
} from "@/lib/admin/sale";
import { env } from "@/lib/env";
import { armSale } from "@/lib/gate/arm";
import { gate } from "@/lib/gate/gate";
import { log } from "@/lib/log";

/**
 * Saving a sale, for the actions in ./actions.ts (which check the merchant, then revalidate and
 * redirect). PostgreSQL is the record and Redis the gate, so every save goes: validate (with the
 * gate's sold + held) → write PostgreSQL → arm the gate from it. If the gate refuses or cannot be
 * reached, the PostgreSQL row is put back, so the two never disagree.
 */

export const SALE_FORM_FIELDS = ["id", ...SALE_FIELDS] as const;
export const GATE_DOWN = "The sale gate (Redis) did not answer, so nothing was changed. Try again.";
const STARTED = "This sale has started. You can still pause or cancel it.";

export type Saved =
  { ok: true; saleId: string; message?: string } | { ok: false; state: FormState };

const invalid = (values: FormValues, fieldErrors: FieldErrors, formError?: string): Saved => ({
  ok: false,
  state: { status: "invalid", fieldErrors, values, ...(formError ? { formError } : {}) },
});
const failed = (message: string, values: FormValues = {}): Saved => ({
  ok: false,
  state: { status: "failed", message, values },
});

/** Units the gate counts as sold or held (0 when it is not armed). */
async function gateCommitted(saleId: string): Promise<number> {
  const s = await gate.state(saleId);
  return s.s === "ok" ? s.sold + s.held : 0;
}

async function productChoiceError(productId: string): Promise<string | null> {
  const p = await q.getProductForAdmin(productId);
  if (!p) return "Choose a product";
  return p.status === "archived" ? "That product is archived; restore it first" : null;
}

/**
 * The rules that need PostgreSQL (the product can be sold; no other sale of it overlaps), added
 * to the ones `validateSale` found, so the form shows every error of one save together. The
 * write checks the overlap again under a lock; this pass is for the message.
 */
async function withDatabaseRules(
  checked: SaleCheck,
  opts: { saleId?: string; productChanged: boolean },
): Promise<
  { ok: true; data: SaleInput } | { ok: false; fieldErrors: FieldErrors; formError?: string }
> {
  const d = checked.ok ? checked.data : checked.partial;
  const errors: FieldErrors = checked.ok ? {} : { ...checked.fieldErrors };
  if (d.productId && opts.productChanged && !errors.productId) {
    const productError = await productChoiceError(d.productId);
    if (productError) errors.productId = productError;
  }
  if (d.productId && d.startsAt && d.endsAt && !errors.startsAt && !errors.endsAt) {
    const other = await q.overlappingSale(d.productId, d.startsAt, d.endsAt, opts.saleId);
    if (other) errors.startsAt = overlapMessage(other);
  }
  if (checked.ok && Object.keys(errors).length === 0) return checked;
  return {
    ok: false,
    fieldErrors: errors,
    ...(checked.ok ? {} : { formError: checked.formError }),
  };
}

/** Arms the sale; on refusal or error runs `undo` (PostgreSQL back as it was) and says why. */
async function armOrUndo(
  saleId: string,
  undo: () => Promise<void>,
): Promise<"armed" | "refused" | "down"> {
  try {
    if ((await armSale(saleId)).s === "armed") return "armed";
    await undo();
    return "refused";
  } catch (error) {
    log.error({ err: error, saleId }, "admin: arming the sale failed; PostgreSQL change undone");
    await undo();
    // If the script ran but its reply was lost, arming again brings the gate back to PostgreSQL.
    await armSale(saleId).catch(() => undefined);
    return "down";
  }
}

const armFailure = (result: "refused" | "down", values: FormValues): Saved =>
  result === "refused" ? invalid(values, { stock: GATE_STOCK_ERROR }) : failed(GATE_DOWN, values);

export async function createSaleFrom(values: FormValues, now = Date.now()): Promise<Saved> {
  const checked = await withDatabaseRules(
    validateSale(values, { now, minHoldSeconds: env().MIN_HOLD_SECONDS }),
    { productChanged: true },
  );
  if (!checked.ok) return invalid(values, checked.fieldErrors, checked.formError);

  let sale: Sale;
  try {
    const inserted = await q.insertSale(checked.data);
    if ("overlaps" in inserted)
      return invalid(values, { startsAt: overlapMessage(inserted.overlaps) });
    sale = inserted;
  } catch (error) {
    log.error({ err: error }, "admin: create sale failed");
    return failed("We couldn't save the sale. Try again.", values);
  }
  const armed = await armOrUndo(sale.id, () => q.deleteNewSale(sale.id));
  return armed === "armed" ? { ok: true, saleId: sale.id } : armFailure(armed, values);
}

export async function updateSaleFrom(values: FormValues, now = Date.now()): Promise<Saved> {
  const existing = await q.getSaleForAdmin(values.id ?? "");
  if (!existing) return failed("That sale no longer exists.", values);
  let committed: number;
  try {
    committed = await gateCommitted(existing.id);
  } catch (error) {
    log.error({ err: error, saleId: existing.id }, "admin: gate state unavailable");
    return failed(GATE_DOWN, values);
  }
  const validated = validateSale(values, {
    now,
    minHoldSeconds: env().MIN_HOLD_SECONDS,
    existing,
    gateCommitted: committed,
  });
  const checked = await withDatabaseRules(validated, {
    saleId: existing.id,
    productChanged:
      (validated.ok ? validated.data : validated.partial).productId !== existing.productId,
  });
  if (!checked.ok) return invalid(values, checked.fieldErrors, checked.formError);

  // PostgreSQL checks "not started" and "sold <= stock" again, under a row lock.
  const written = await q.updateUnstartedSale(existing.id, checked.data);
  if (written === "not_found") return failed("That sale no longer exists.", values);
  if (written === "started") return invalid(values, {}, STARTED);
  if (written === "below_sold")
    return invalid(values, { stock: "Stock can't go below the units already sold" });
  if ("overlaps" in written) return invalid(values, { startsAt: overlapMessage(written.overlaps) });
  const armed = await armOrUndo(existing.id, () => q.restoreSale(written.before));
  return armed === "armed" ? { ok: true, saleId: existing.id } : armFailure(armed, values);
}

const done: Record<StatusOp, string> = {
  pause: "Sale paused.",
  resume: "Sale resumed.",
  cancel: "Sale cancelled.",
};

export async function changeSaleStatus(id: string, op: StatusOp, now = Date.now()): Promise<Saved> {
  const sale = await q.getSaleForAdmin(id);
  if (!sale) return failed("That sale no longer exists.");
  const next = nextStatus(op, sale, now);
  if (!next.ok) return failed(next.message);
  const changed = await q.setSaleStatus(sale.id, sale.status, next.status);
  if (!changed) return failed("The sale changed meanwhile; reload and try again.");
  const armed = await armOrUndo(sale.id, () => q.restoreSale(changed.before));
  if (armed !== "armed")
    return failed(armed === "down" ? GATE_DOWN : "The gate refused the change; nothing changed.");
  return { ok: true, saleId: sale.id, message: done[op] };
}
