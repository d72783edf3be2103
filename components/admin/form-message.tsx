import type { FormState } from "@/lib/admin/form-state";

/** The form-level message of an action state (failed, refused, or a form error). */
export function FormMessage({ state }: { state: FormState }) {
  const message =
    state.status === "failed" || state.status === "refused"
      ? state.message
      : state.status === "invalid"
        ? (state.formError ?? "Check the highlighted fields.")
        : null;
  if (!message) return null;
  return (
    <p className="form-error" role="alert">
      {message}
    </p>
  );
}
