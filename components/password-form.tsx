"use client";

import { useActionState } from "react";
import type { AuthFormState } from "@/app/(auth)/actions";
import { Field } from "./field";
import { SubmitButton } from "./submit-button";

type Props = { action: (prev: AuthFormState, form: FormData) => Promise<AuthFormState> };

/** The signed-in shopper's password change: current password, then the new one. */
export function PasswordForm({ action }: Props) {
  const [state, formAction] = useActionState(action, { status: "idle" });
  const fieldErrors = state.status === "invalid" ? state.fieldErrors : {};
  const field = (name: "current" | "password", label: string, autoComplete: string) => (
    <Field name={name} label={label} error={fieldErrors[name]}>
      {(a) => (
        <input
          {...a}
          name={name}
          type="password"
          autoComplete={autoComplete}
          required
          minLength={name === "password" ? 8 : undefined}
        />
      )}
    </Field>
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
