"use client";

import { useState } from "react";
import type { FieldErrors, FormState } from "@/lib/admin/form-state";

/**
 * A refused form's field errors, kept true while the merchant fixes them: a field that had an
 * error is checked again on every change, so the message goes once the value is valid (or says
 * what is still wrong). The server decides again on the next save; a new answer starts over.
 */
export function useLiveErrors(
  state: FormState,
  check: (name: string, value: string) => string | null,
): { errors: FieldErrors; onChange: (e: React.FormEvent<HTMLFormElement>) => void } {
  const server = state.status === "invalid" ? state.fieldErrors : {};
  const [live, setLive] = useState<{ of: FormState; errors: FieldErrors }>({
    of: state,
    errors: {},
  });
  const edited = live.of === state ? live.errors : {};
  const errors: FieldErrors = { ...server };
  for (const [k, v] of Object.entries(edited)) {
    if (v) errors[k] = v;
    else delete errors[k];
  }
  const onChange = (e: React.FormEvent<HTMLFormElement>) => {
    const field = e.target as HTMLInputElement;
    const name = field.name || field.id;
    if (!name || !server[name]) return;
    const message = check(name, field.value) ?? "";
    setLive((l) => ({
      of: state,
      errors: { ...(l.of === state ? l.errors : {}), [name]: message },
    }));
  };
  return { errors, onChange };
}
