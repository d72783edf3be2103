"use client";

import Link from "next/link";
import { useActionState, useEffect, useRef } from "react";
import type { AuthFormState } from "@/app/(auth)/actions";
import { Field } from "./field";
import { SubmitButton } from "./submit-button";

type Props = {
  mode: "sign-in" | "sign-up";
  action: (prev: AuthFormState, form: FormData) => Promise<AuthFormState>;
  callbackUrl: string;
};

export function AuthForm({ mode, action, callbackUrl }: Props) {
  const [state, formAction] = useActionState(action, { status: "idle" });
  const fieldErrors = state.status === "invalid" ? state.fieldErrors : {};
  const kept: { email?: string; name?: string } = state.status === "idle" ? {} : state;
  // After a refused attempt, focus goes to what went wrong (the message, or the first field to
  // fix), not back to the page body, so keyboard and screen-reader users hear it.
  const formRef = useRef<HTMLFormElement>(null);
  const errorRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (state.status === "failed") errorRef.current?.focus();
    else if (state.status === "invalid")
      formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [state]);

  return (
    <form ref={formRef} action={formAction} className="form" noValidate>
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      {state.status === "failed" && (
        <p ref={errorRef} className="form-error" role="alert" tabIndex={-1}>
          {state.message}
        </p>
      )}
      {mode === "sign-up" && (
        <Field name="name" label="Name" error={fieldErrors.name}>
          {(a) => (
            <input {...a} name="name" autoComplete="name" required defaultValue={kept.name} />
          )}
        </Field>
      )}
      <Field name="email" label="Email" error={fieldErrors.email}>
        {(a) => (
          <input
            {...a}
            name="email"
            type="email"
            autoComplete="email"
            required
            defaultValue={kept.email}
          />
        )}
      </Field>
      <Field name="password" label="Password" error={fieldErrors.password}>
        {(a) => (
          <input
            {...a}
            name="password"
            type="password"
            autoComplete={mode === "sign-in" ? "current-password" : "new-password"}
            required
            minLength={mode === "sign-up" ? 8 : undefined}
          />
        )}
      </Field>
      <SubmitButton pendingText={mode === "sign-in" ? "Signing in…" : "Creating account…"}>
        {mode === "sign-in" ? "Sign in" : "Create account"}
      </SubmitButton>
      <p className="muted">
        {mode === "sign-in" ? (
          <>
            New here?{" "}
            <Link href={`/sign-up?callbackUrl=${encodeURIComponent(callbackUrl)}`}>
              Create an account
            </Link>
          </>
        ) : (
          <>
            Have an account?{" "}
            <Link href={`/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}`}>Sign in</Link>
          </>
        )}
      </p>
    </form>
  );
}
