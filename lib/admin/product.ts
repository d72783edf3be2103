import "@/lib/validation/zod-jitless";
import { z } from "zod";
import { isPlainText, plainTextMessage } from "@/lib/validation/text";
import { firstErrors, type FieldErrors } from "./form-state";

/** Merchant product input: what the product form sends, checked before anything is written. */

export const PRICE_MAX_CENTS = 100_000_000; // 1,000,000.00 — prices must stay below it
export const SLUG_MAX = 80;

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

const uuid = z.uuid({ error: "Upload the image again" });

export const productSchema = z.object({
  name: z
    .string({ error: "Enter a name" })
    .trim()
    .min(1, "Enter a name")
    .max(120, "Keep the name to 120 characters or fewer")
    .refine((v) => isPlainText(v, "line"), plainTextMessage("name")),
  slug: z
    .string({ error: "Enter a slug" })
    .trim()
    .min(1, "Enter a slug")
    .max(SLUG_MAX, `Keep the slug to ${SLUG_MAX} characters or fewer`)
    .regex(/^[a-z0-9-]+$/, "Use lowercase letters, digits and hyphens only (a-z, 0-9, -)"),
  description: z
    .string({ error: "Enter a description" })
    .trim()
    .min(1, "Enter a description")
    .max(2000, "Keep the description to 2,000 characters or fewer")
    .refine((v) => isPlainText(v, "text"), plainTextMessage("description")),
  price: z
    .string({ error: "Enter a price" })
    .trim()
    .min(1, "Enter a price")
    .transform((v, ctx) => {
      const cents = parsePriceToCents(v);
      if (cents === null) {
        ctx.addIssue({ code: "custom", message: "Enter a price like 24.99" });
        return z.NEVER;
      }
      return cents;
    })
    .refine((c) => c > 0, "The price must be more than 0")
    .refine((c) => c < PRICE_MAX_CENTS, "The price must be less than 1,000,000.00"),
  /** An image uploaded through /api/admin/images; required for a new product. */
  imageId: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined))
    .pipe(uuid.optional()),
});

export type ProductInput = {
  name: string;
  slug: string;
  description: string;
  priceCents: number;
  imageId?: string;
};

export type Checked<T> = { ok: true; data: T } | { ok: false; fieldErrors: FieldErrors };

export function validateProduct(
  raw: Record<string, unknown>,
  opts: { requireImage: boolean },
): Checked<ProductInput> {
  const parsed = productSchema.safeParse(raw);
  const errors: FieldErrors = parsed.success ? {} : firstErrors(parsed.error.issues);
  if (opts.requireImage && !errors.imageId && !(parsed.success && parsed.data.imageId))
    errors.imageId = "Add a product image";
  if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, fieldErrors: errors };
  const { price, ...rest } = parsed.data;
  return { ok: true, data: { ...rest, priceCents: price } };
}
