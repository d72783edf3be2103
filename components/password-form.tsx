"use client";

import { useActionState } from "react";
import type { AuthFormState } from "@/app/(auth)/actions";
import { SubmitButton } from "./submit-button";

type Props = { action: (prev: AuthFormState, form: FormData) => Promise<AuthFormState> };

/** The signed-in shopper's password change: current password, then the new one. */
export function PasswordForm({ action }: Props) {
  const [state, formAction] = useActionState(action, { status: "idle" });
  const fieldErrors = state.status === "invalid" ? state.fieldErrors : {};
  const field = (name: "current" | "password", label: string, autoComplete: string) => (
    <div className="field">
      <label htmlFor={name}>{label}</label>
      <input
        id={name}
        name={name}
        type="password"
        autoComplete={autoComplete}
        required
        minLength={name === "password" ? 8 : undefined}
        aria-invalid={Boolean(fieldErrors[name])}
        aria-describedby={fieldErrors[name] ? `${name}-error` : undefined}
      />
      {fieldErrors[name] && (
        <span id={`${name}-error`} className="field-error">
          {fieldErrors[name]}
        </span>
      )}
    </div>
  );
  return (
    <form action={formAction} className="form" noValidate>
      {state.status === "failed" && (
        <p className="form-error" role="alert">
          {state.message}
        </p>
      )}
      {field("current", "Current password", "current-password")}
      {field("password", "New password", "new-password")}
      <SubmitButton pendingText="Changing password…">Change password</SubmitButton>
    </form>
  );
}
