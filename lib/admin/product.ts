import "@/lib/validation/zod-jitless";
import { z } from "zod";
import { textField } from "@/lib/validation/text-field";
import { firstErrors, type FieldErrors } from "./form-state";

/**
 * A product's rules, once: the merchant form (price typed as "24.99") and the JSON PATCH route
 * (`priceCents`, any subset of the fields) are two ways in to the same schema.
 */

export const PRICE_MAX_CENTS = 100_000_000; // 1,000,000.00 — prices must stay below it
export const SLUG_MAX = 80;
const PRICE_FORMAT = "Enter a price like 24.99";

/** "24.99" → 2499; null when it is not a plain amount with at most two decimals. */
export function parsePriceToCents(input: string): number | null {
  const s = input.trim().replace(/^\$/, "").replace(/,/g, "");
  const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return null;
  const whole = Number(m[1]);
  const frac = Number((m[2] ?? "").padEnd(2, "0"));
  return whole * 100 + frac;
}

/** 2499 → "24.99", for the price input. */
export const centsToInput = (cents: number) =>
  `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;

export const productSchema = z
  .object({
    name: textField({
      field: "name",
      kind: "line",
      max: 120,
      missing: "Enter a name",
      tooLong: "Keep the name to 120 characters or fewer",
    }),
    slug: z
      .string({ error: "Enter a slug" })
      .trim()
      .min(1, "Enter a slug")
      .max(SLUG_MAX, `Keep the slug to ${SLUG_MAX} characters or fewer`)
      .regex(/^[a-z0-9-]+$/, "Use lowercase letters, digits and hyphens only (a-z, 0-9, -)"),
    description: textField({
      field: "description",
      kind: "text",
      max: 2000,
      missing: "Enter a description",
      tooLong: "Keep the description to 2,000 characters or fewer",
    }),
    priceCents: z
      .number({ error: (i) => (i.input === undefined ? "Enter a price" : PRICE_FORMAT) })
      .int(PRICE_FORMAT)
      .min(1, "The price must be more than 0")
      .max(PRICE_MAX_CENTS - 1, "The price must be less than 1,000,000.00"),
    /** An image uploaded through /api/admin/images; required for a new product. */
    imageId: z.uuid({ error: "Upload the image again" }).optional(),
  })
  .strict();

export type ProductInput = z.infer<typeof productSchema>;

/** PATCH: any of the fields, at least one, nothing else. */
export const productPatchSchema = productSchema
  .partial()
  .refine(
    (v) => Object.values(v).some((x) => x !== undefined),
    "Send at least one of name, slug, description, priceCents, imageId",
  );

export type ProductPatch = z.infer<typeof productPatchSchema>;

export type Checked<T> = { ok: true; data: T } | { ok: false; fieldErrors: FieldErrors };

const text = (v: unknown) => (typeof v === "string" ? v : undefined);

/** The form's price field as cents; undefined when empty, and as typed when not an amount. */
function formPrice(v: unknown): unknown {
  const s = text(v)?.trim();
  if (!s) return undefined;
  return parsePriceToCents(s) ?? s;
}

/** The form's fields in the schema's shape (the form says `price`, the schema `priceCents`). */
const fromForm = (raw: Record<string, unknown>) => ({
  name: text(raw.name),
  slug: text(raw.slug),
  description: text(raw.description),
  priceCents: formPrice(raw.price),
  imageId: text(raw.imageId)?.trim() || undefined,
});

/** Schema errors under the form's field names. */
function formErrors(issues: z.core.$ZodIssue[]): FieldErrors {
  const { priceCents, ...rest } = firstErrors(issues);
  return priceCents ? { ...rest, price: priceCents } : rest;
}

/** The merchant form, checked before anything is written. */
export function validateProduct(
  raw: Record<string, unknown>,
  opts: { requireImage: boolean },
): Checked<ProductInput> {
  const parsed = productSchema.safeParse(fromForm(raw));
  const errors: FieldErrors = parsed.success ? {} : formErrors(parsed.error.issues);
  if (opts.requireImage && !errors.imageId && !(parsed.success && parsed.data.imageId))
    errors.imageId = "Add a product image";
  if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, fieldErrors: errors };
  return { ok: true, data: parsed.data };
}

/** One form field's error as the save would report it, or null (the form's live checks). */
export function productFieldError(name: string, value: string): string | null {
  const checked = validateProduct({ [name]: value }, { requireImage: false });
  return checked.ok ? null : (checked.fieldErrors[name] ?? null);
}
