"use client";

import { useSyncExternalStore } from "react";

const noop = () => () => {};
/** False on the server and during hydration, true after: browser-only values render after it. */
export const useMounted = () =>
  useSyncExternalStore(
    noop,
    () => true,
    () => false,
  );

const thisYear = () => new Date().getFullYear();

function fmt(iso: string, compact: boolean, timeZone?: string) {
  const d = new Date(iso);
  const zone = timeZone ? { timeZone } : {};
  if (!compact)
    return new Intl.DateTimeFormat("en-US", {
      dateStyle: "medium",
      timeStyle: "short",
      ...zone,
    }).format(d);
  // Tables: "Nov 25, 4:45 PM", with the year only when it is not this year.
  return new Intl.DateTimeFormat("en-US", {
    month: "short",
    day: "numeric",
    ...(d.getFullYear() !== thisYear() ? { year: "numeric" } : {}),
    hour: "numeric",
    minute: "2-digit",
    ...zone,
  }).format(d);
}

/** A time in the merchant's own time zone (UTC until the browser takes over). */
export function LocalTime({ iso, compact = false }: { iso: string; compact?: boolean }) {
  const mounted = useMounted();
  return (
    <time dateTime={iso} title={mounted ? fmt(iso, false) : undefined}>
      {mounted ? fmt(iso, compact) : `${fmt(iso, compact, "UTC")} UTC`}
    </time>
  );
}
