"use client";

import { useEffect, useMemo, useRef, useState } from "react";
import useSWR from "swr";
import type { PublicSaleState } from "@/lib/gate/public-state";
import { estimateOffset, type ClockSample } from "./clock";

/** Client-side data for the sale panel and checkout: live counters, the server's clock, "me". */

export type MyState =
  | {
      status: "holding";
      token: string;
      expiresAt: number;
      position: number;
      serverTime: number;
      bought: number;
    }
  | { status: "in_line"; position: number; serverTime: number; bought: number }
  | { status: "purchased"; serverTime: number; bought: number }
  | { status: "none"; serverTime: number; bought: number };

/** Offset to add to Date.now() to get the server's time, from the last ten samples (./clock.ts). */
const clock = { offset: 0, samples: [] as ClockSample[] };
export function recordServerTime(serverTime: number, sentAt: number, receivedAt: number) {
  clock.samples = [...clock.samples.slice(-9), { serverTime, sentAt, receivedAt }];
  clock.offset = estimateOffset(clock.samples);
}
export const serverNow = () => Date.now() + clock.offset;

async function timedJson<T extends { serverTime?: number }>(url: string): Promise<T> {
  const sentAt = Date.now();
  const res = await fetch(url, { credentials: "same-origin" });
  if (!res.ok) throw Object.assign(new Error(`GET ${url}: ${res.status}`), { status: res.status });
  const body = (await res.json()) as T;
  if (typeof body.serverTime === "number") recordServerTime(body.serverTime, sentAt, Date.now());
  return body;
}

/** Polling interval with ±30% jitter, slower when the tab is hidden. */
export const jittered = (ms: number) => () => {
  const hidden = typeof document !== "undefined" && document.visibilityState === "hidden";
  return Math.round((hidden ? ms * 10 : ms) * (0.7 + Math.random() * 0.6));
};

// SWR restarts its polling timer whenever refreshInterval changes identity, and the sale
// panel re-renders several times a second: the interval functions must be stable.
export function useSaleState(saleId: string, fallback?: PublicSaleState) {
  const refreshInterval = useMemo(() => jittered(1_000), []);
  return useSWR<PublicSaleState>(`/api/sales/${saleId}`, timedJson, {
    refreshInterval,
    fallbackData: fallback,
    revalidateOnFocus: true,
    dedupingInterval: 500,
    errorRetryInterval: 2_000,
  });
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
  const refreshInterval = useMemo(() => (intervalMs > 0 ? jittered(intervalMs) : 0), [intervalMs]);
  return useSWR<MyState, Error, [string, string] | null>(
    enabled ? [`/api/sales/${saleId}/me`, sessionVersion ?? ""] : null,
    ([url]) => timedJson<MyState>(url),
    {
      refreshInterval,
      revalidateOnFocus: sessionVersion === undefined,
      dedupingInterval: 300,
      keepPreviousData: true,
    },
  );
}

type Session = {
  user?: { id?: string; name?: string | null; role?: string };
  /** When the session expires; Auth.js moves it on every session read. */
  expires?: string;
} | null;
export function useSession() {
  return useSWR<Session>("/api/auth/session", async (url: string) => {
    const res = await fetch(url, { credentials: "same-origin" });
    if (!res.ok) return null;
    const body = (await res.json()) as Session;
    return body?.user ? body : null;
  });
}

/** Re-renders every `ms` with the server's current time. */
export function useServerNow(ms = 250): number | null {
  const [now, setNow] = useState<number | null>(null);
  const timer = useRef<ReturnType<typeof setInterval>>(undefined);
  useEffect(() => {
    const tick = () => setNow(serverNow());
    tick();
    timer.current = setInterval(tick, ms);
    return () => clearInterval(timer.current);
  }, [ms]);
  return now;
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
