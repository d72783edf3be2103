"use client";

import { formatDuration, useServerClock } from "@/lib/client/sale-hooks";

/**
 * Time left until `to` on the shop's clock, as "mm:ss". Its own component, so each second
 * re-renders this text alone; `fallback` shows until the clock is known.
 */
export function Countdown({ to, fallback = "…" }: { to: number; fallback?: React.ReactNode }) {
  const now = useServerClock([to], { everySecond: true });
  return <span className="ticking">{now === null ? fallback : formatDuration(to - now)}</span>;
}
