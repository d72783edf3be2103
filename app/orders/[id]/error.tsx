"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { startTransition } from "react";

/** The order records did not answer and Redis could not vouch for the order: say so, not more. */
export default function OrderError({ reset }: { error: Error; reset: () => void }) {
  const router = useRouter();
  return (
    <section className="panel confirmation" aria-labelledby="order-error-title">
      <h1 id="order-error-title">We can’t look up this order right now</h1>
      <p>Our order records are not answering. Please try again in a moment.</p>
      <p>
        <button
          type="button"
          className="btn btn-secondary"
          onClick={() =>
            startTransition(() => {
              router.refresh();
              reset();
            })
          }
        >
          Try again
        </button>{" "}
        <Link href="/">Back to the shop</Link>
      </p>
    </section>
  );
}
