"use client";

import Link from "next/link";
import { useActionState, useEffect, useRef, useState } from "react";
import { SubmitButton } from "@/components/submit-button";
import { idle, type FormState } from "@/lib/admin/form-state";
import { HOLD_MAX_SECONDS, LIMIT_MAX, SALE_FIELDS, saleSchema, STOCK_MAX } from "@/lib/admin/sale";
import type { SaleView } from "@/lib/catalog/views";
import { Field } from "@/components/field";
import { FormMessage } from "./form-message";
import { useMounted } from "./local-time";
import { useLiveErrors } from "./use-live-errors";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;
type Sale = Omit<SaleView, "status">;

const pad = (n: number) => String(n).padStart(2, "0");
/** An ISO instant as the browser's local "YYYY-MM-DDTHH:mm:ss" for a datetime-local input. */
const toLocalInput = (iso: string) => {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
};
const fromLocalInput = (v: string) => {
  const d = new Date(v); // a datetime-local value is read as local time
  return v && !Number.isNaN(d.getTime()) ? d.toISOString() : "";
};

/**
 * The merchant types local time; the form sends an ISO instant (hidden field), so the server
 * never has to guess the merchant's time zone.
 */
function DateTimeField({
  name,
  label,
  iso,
  error,
}: {
  name: string;
  label: string;
  iso: string;
  error?: string;
}) {
  const mounted = useMounted();
  const [value, setValue] = useState(iso);
  const typed = useRef<HTMLInputElement>(null);
  // A date typed before the page hydrated had no onChange to copy it into the hidden field: the
  // field kept showing it while the form sent none (and React's reset after the save then
  // emptied it). Take it from the field once hydrated.
  useEffect(() => {
    const early = typed.current?.value;
    if (early) setValue(fromLocalInput(early));
  }, []);
  return (
    <Field name={name} label={label} error={error}>
      {(a) => (
        <>
          <input
            {...a}
            ref={typed}
            type="datetime-local"
            step={1}
            required
            defaultValue={mounted && iso ? toLocalInput(iso) : undefined}
            onChange={(e) => setValue(fromLocalInput(e.target.value))}
          />
          <input type="hidden" name={name} value={value} />
        </>
      )}
    </Field>
  );
}

export function SaleForm({
  action,
  products,
  sale,
  productId,
  minHoldSeconds,
}: {
  action: Action;
  products: { id: string; name: string }[];
  sale?: Sale;
  productId?: string;
  minHoldSeconds: number;
}) {
  const [state, formAction] = useActionState(action, idle);
  const mounted = useMounted();
  const { errors, onChange } = useLiveErrors(state, (name, v) => {
    const field = SALE_FIELDS.find((f) => f === name);
    if (!field) return null;
    // Rules across fields (end after start, overlaps) are the save's to judge again.
    const r = saleSchema(minHoldSeconds).shape[field].safeParse(v);
    return r.success ? null : (r.error.issues[0]?.message ?? null);
  });
  const kept = "values" in state ? state.values : {};
  const value = (k: keyof Sale, fallback = "") => kept[k] ?? (sale ? String(sale[k]) : fallback);
  const zone = mounted ? Intl.DateTimeFormat().resolvedOptions().timeZone : "";
  const wholeNumber = (
    name: "stock" | "perShopperLimit" | "holdSeconds",
    label: string,
    hint: string,
    fallback?: string,
  ) => (
    <Field name={name} label={label} error={errors[name]} hint={hint}>
      {(a) => (
        <input
          {...a}
          name={name}
          inputMode="numeric"
          required
          defaultValue={value(name, fallback)}
        />
      )}
    </Field>
  );

  return (
    <form action={formAction} onChange={onChange} className="form admin-form" noValidate>
      {sale && <input type="hidden" name="id" value={sale.id} />}
      <FormMessage state={state} />
      {/* Keyed by the value: React resets a form after its action, and a select's default is
          set only when it mounts, so a refused save would otherwise forget the choice. */}
      <Field
        key={`p:${value("productId", productId ?? "")}`}
        name="productId"
        label="Product"
        error={errors.productId}
      >
        {(a) => (
          <select
            {...a}
            name="productId"
            required
            defaultValue={value("productId", productId ?? "")}
          >
            <option value="">Choose a product…</option>
            {products.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <div className="form-row">
        {/* Keyed by the value, so an echoed value after a refused save resets the field's state. */}
        <DateTimeField
          key={`s:${value("startsAt")}`}
          name="startsAt"
          label="Starts"
          iso={value("startsAt")}
          error={errors.startsAt}
        />
        <DateTimeField
          key={`e:${value("endsAt")}`}
          name="endsAt"
          label="Ends"
          iso={value("endsAt")}
          error={errors.endsAt}
        />
      </div>
      <p className="field-hint form-note">
        Times are in your time zone{zone ? ` (${zone})` : ""}. Seconds are optional.
      </p>
      <div className="form-row form-row-3">
        {wholeNumber("stock", "Stock", `1 – ${STOCK_MAX.toLocaleString("en-US")} units`)}
        {wholeNumber("perShopperLimit", "Per-shopper limit", `1 – ${LIMIT_MAX} units`, "1")}
        {wholeNumber(
          "holdSeconds",
          "Hold time (seconds)",
          `${minHoldSeconds} – ${HOLD_MAX_SECONDS} s to check out`,
          "120",
        )}
      </div>
      <div className="form-actions">
        <SubmitButton pendingText="Saving…">{sale ? "Save changes" : "Schedule sale"}</SubmitButton>
        <Link
          href={sale ? `/admin/sales/${sale.id}` : "/admin/sales"}
          className="btn btn-secondary"
        >
          Cancel
        </Link>
      </div>
    </form>
  );
}
