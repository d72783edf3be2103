import type { Refusal } from "@/lib/auth/guards";

/**
 * What every admin server action returns: a discriminated union the form renders as it is.
 * `values` echoes what was typed (never a file), so a refused form keeps its inputs.
 */

export type FieldErrors = Partial<Record<string, string>>;
export type FormValues = Record<string, string>;

export type Refused = {
  status: "refused";
  code: Refusal["status"];
  error: Refusal["error"];
  message: string;
};

export type FormState =
  | { status: "idle" }
  | { status: "invalid"; fieldErrors: FieldErrors; formError?: string; values: FormValues }
  | { status: "failed"; message: string; values: FormValues }
  | { status: "done"; message: string }
  | Refused;

export const idle: FormState = { status: "idle" };

export const refused = (r: Refusal): Refused => ({
  status: "refused",
  code: r.status,
  error: r.error,
  message: r.message,
});

/** The first message per field, from zod issues (path[0] is the field name). */
export function firstErrors(issues: { path: PropertyKey[]; message: string }[]): FieldErrors {
  const out: FieldErrors = {};
  for (const i of issues) {
    const key = String(i.path[0] ?? "form");
    out[key] ??= i.message;
  }
  return out;
}

/** The string fields of a form (files and missing fields left out), each cut to `max` characters. */
export function formValues(form: FormData, names: readonly string[], max = 4000): FormValues {
  const out: FormValues = {};
  for (const n of names) {
    const v = form.get(n);
    if (typeof v === "string") out[n] = v.slice(0, max);
  }
  return out;
}
