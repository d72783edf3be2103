"use client";

import { useActionState } from "react";
import { SubmitButton } from "@/components/submit-button";
import { idle, type FormState } from "@/lib/admin/form-state";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

/** One button that runs an admin action on one row (archive, pause, cancel…) and says how it went. */
export function ActionButton({
  action,
  id,
  label,
  pendingText,
  className = "btn btn-secondary btn-small",
  confirm,
}: {
  action: Action;
  id: string;
  label: string;
  pendingText: string;
  className?: string;
  confirm?: string;
}) {
  const [state, formAction] = useActionState(action, idle);
  return (
    <form
      action={formAction}
      className="inline-form"
      onSubmit={(e) => {
        if (confirm && !window.confirm(confirm)) e.preventDefault();
      }}
    >
      <input type="hidden" name="id" value={id} />
      <SubmitButton className={className} pendingText={pendingText}>
        {label}
      </SubmitButton>
      {(state.status === "failed" || state.status === "refused") && (
        <span role="alert" className="field-error">
          {state.message}
        </span>
      )}
      {state.status === "done" && (
        <span role="status" className="muted">
          {state.message}
        </span>
      )}
    </form>
  );
}
