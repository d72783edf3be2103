"use client";

import { useEffect, useMemo, useReducer, useSyncExternalStore } from "react";
import useSWR from "swr";
import type { z } from "zod";
import {
  myStateSchema,
  saleStateSchema,
  type MyState,
  type PublicSaleState,
} from "@/lib/contract/sale-api";
import { fetchSession } from "./session";
import { clockVersion, serverNow, subscribeClock } from "./server-clock";
import { around } from "@/lib/jitter";

export { serverNow };

/** Client-side data for the sale panel and checkout: live counters, the server's clock, "me". */

/** A GET of the sale API, its body parsed by the contract; anything else is an error SWR retries. */
async function getParsed<T>(url: string, schema: z.ZodType<T>): Promise<T> {
  const res = await fetch(url, { credentials: "same-origin" });
  if (!res.ok) throw Object.assign(new Error(`GET ${url}: ${res.status}`), { status: res.status });
  return schema.parse(await res.json());
}

/** ±30%, so pages opened together do not poll in step. (SWR does not poll hidden tabs.) */
const jittered = (ms: number) => around(ms, 0.3);

/**
 * How often a sale's state is worth asking for: often while stock moves, every few seconds
 * while waiting (a start brought forward must reach the page in time), rarely once nothing
 * can change any more (an ended or sold-out drop).
 */
export function saleStatePollMs(state: PublicSaleState | undefined): number {
  switch (state?.status) {
    case "live":
      return jittered(1_500);
    case "sold_out":
    case "ended":
      return jittered(30_000);
    default:
      return jittered(2_500);
  }
}

/** Equal when a shopper would see the same thing: serverTime alone does not re-render. */
const sameSaleState = (a?: PublicSaleState, b?: PublicSaleState) =>
  a === b ||
  (a !== undefined &&
    b !== undefined &&
    a.status === b.status &&
    a.startsAt === b.startsAt &&
    a.endsAt === b.endsAt &&
    a.stock === b.stock &&
    a.available === b.available &&
    a.held === b.held &&
    a.sold === b.sold &&
    a.inLine === b.inLine);

/** `pollMs`: a steady, jittered interval instead (lists, where a badge is all that shows). */
export function useSaleState(saleId: string | null, { pollMs }: { pollMs?: number } = {}) {
  return useSWR<PublicSaleState>(
    saleId && `/api/sales/${saleId}`,
    (url: string) => getParsed(url, saleStateSchema),
    {
      refreshInterval: pollMs ? () => jittered(pollMs) : saleStatePollMs,
      revalidateOnFocus: true,
      dedupingInterval: 500,
      errorRetryInterval: 2_000,
      compare: sameSaleState,
    },
  );
}

/**
 * The shopper's own state (`/me`). With `sessionVersion` (the `expires` of the session the page
 * read last), `/me` is asked again each time the session has been read, after it: Auth.js
 * rewrites its cookie on every session read, and `/me` then answers with a lane ticket that fits
 * the new cookie (lib/auth/lane-ticket.ts), for the presses that follow. Asked at the same time,
 * on a tab's return, it would carry the old cookie. Its own revalidation on focus is off then:
 * the session's brings it.
 */
export function useMyState(
  saleId: string,
  enabled: boolean,
  intervalMs: number,
  sessionVersion?: string,
) {
  // SWR restarts its polling timer whenever refreshInterval changes identity: keep it stable.
  const refreshInterval = useMemo(
    () => (intervalMs > 0 ? () => jittered(intervalMs) : 0),
    [intervalMs],
  );
  return useSWR<MyState, Error, [string, string] | null>(
    enabled ? [`/api/sales/${saleId}/me`, sessionVersion ?? ""] : null,
    ([url]) => getParsed(url, myStateSchema),
    {
      refreshInterval,
      revalidateOnFocus: sessionVersion === undefined,
      dedupingInterval: 300,
      keepPreviousData: true,
    },
  );
}

export function useSession() {
  return useSWR("/api/auth/session", fetchSession);
}

/**
 * The shop's current time (null until the first clock sample), re-rendering only when it
 * matters: at the earliest of `moments` still ahead — so Buy Now turns on at the start, not up
 * to a tick late — and, with `everySecond`, at each whole second before it, when a countdown to
 * it changes what it shows. One timer; none while the page is hidden (it catches up when shown).
 */
export function useServerClock(
  moments: readonly (number | null | undefined)[],
  { everySecond = false }: { everySecond?: boolean } = {},
): number | null {
  const synced = useSyncExternalStore(subscribeClock, clockVersion, () => 0);
  const [, tick] = useReducer((n: number) => n + 1, 0);
  const key = moments.join(",");
  useEffect(() => {
    if (synced === 0) return;
    const ahead = key
      .split(",")
      .filter(Boolean)
      .map(Number)
      .filter((t) => Number.isFinite(t));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const schedule = () => {
      clearTimeout(timer);
      if (document.visibilityState === "hidden") return;
      const now = serverNow();
      const next = Math.min(...ahead.filter((t) => t > now));
      if (!Number.isFinite(next)) return;
      // Timers cap at 2^31 ms; a drop weeks away is looked at again in a day.
      const wait = everySecond ? (next - now) % 1000 || 1000 : Math.min(next - now, 86_400_000);
      timer = setTimeout(() => {
        tick();
        schedule();
      }, wait);
    };
    const onVisibility = () => {
      tick();
      schedule();
    };
    document.addEventListener("visibilitychange", onVisibility);
    schedule();
    return () => {
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [synced, key, everySecond]);
  return synced === 0 ? null : serverNow();
}

/** The shop's time, re-rendered every `ms` (a steady ticker, for timers without one target). */
export function useServerNow(ms = 1_000): number | null {
  const synced = useSyncExternalStore(subscribeClock, clockVersion, () => 0);
  const [, tick] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    const timer = setInterval(tick, ms);
    return () => clearInterval(timer);
  }, [ms]);
  return synced === 0 ? null : serverNow();
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const pad = (n: number) => String(n).padStart(2, "0");
  if (d > 0) return `${d}d ${pad(h)}:${pad(m)}:${pad(sec)}`;
  if (h > 0) return `${h}:${pad(m)}:${pad(sec)}`;
  return `${pad(m)}:${pad(sec)}`;
}
