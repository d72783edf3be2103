"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/** Shown while an order taken during an outage is still being written; checks again every 2 s. */
export function OrderPending() {
  const router = useRouter();
  useEffect(() => {
    const id = setInterval(() => router.refresh(), 2_000);
    return () => clearInterval(id);
  }, [router]);
  return (
    <section className="panel confirmation" aria-labelledby="pending-title" aria-live="polite">
      <p className="badge">Order received</p>
      <h1 id="pending-title">We’ve got your order</h1>
      <p>
        It is being recorded right now; this page updates by itself. Your unit is already reserved
        for you.
      </p>
    </section>
  );
}
