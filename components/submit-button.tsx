"use client";

import { useFormStatus } from "react-dom";

/** One submit button for every form: disabled and announced while the form is pending. */
export function SubmitButton({
  children,
  pendingText,
  className = "btn",
}: {
  children: React.ReactNode;
  pendingText: string;
  className?: string;
}) {
  const { pending } = useFormStatus();
  return (
    <button type="submit" className={className} aria-disabled={pending} disabled={pending}>
      {pending ? pendingText : children}
      <span aria-live="polite" className="sr-only">
        {pending ? pendingText : ""}
      </span>
    </button>
  );
}
