"use client";

import { useSyncExternalStore } from "react";

const noSubscription = () => () => {};

const FULL: Intl.DateTimeFormatOptions = {
  weekday: "short",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZoneName: "short",
};
const TIME: Intl.DateTimeFormatOptions = {
  hour: "2-digit",
  minute: "2-digit",
  timeZoneName: "short",
};

// Made once: a formatter is costly to build, and a page may render these often.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(local: boolean, timeOnly: boolean) {
  const key = `${local}${timeOnly}`;
  let f = formatters.get(key);
  if (!f) {
    const options = timeOnly ? TIME : FULL;
    f = local
      ? new Intl.DateTimeFormat(undefined, options)
      : new Intl.DateTimeFormat("en-US", { ...options, timeZone: "UTC" });
    formatters.set(key, f);
  }
  return f;
}

/**
 * A moment as a date and time in the shopper's own time zone once the page runs in their
 * browser; the server render (and a browser without JavaScript) shows it in UTC.
 */
export function DropTime({ at, timeOnly = false }: { at: string; timeOnly?: boolean }) {
  const local = useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
  return (
    <time dateTime={at} data-testid={timeOnly ? undefined : "drop-start"}>
      {formatter(local, timeOnly).format(new Date(at))}
    </time>
  );
}
