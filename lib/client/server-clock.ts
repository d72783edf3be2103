"use client";

import { serverTimeSchema } from "@/lib/contract/sale-api";
import { estimateOffset, type ClockSample } from "./clock";

/**
 * The shop's clock in the browser: an offset to add to Date.now(), estimated (./clock.ts) from
 * dedicated samples of `GET /api/time`, fetched with `no-store` so no cache or 304 hands back an
 * old time. A burst of samples when the first countdown mounts, then one every half minute while
 * the page is visible, and a fresh burst when a hidden tab comes back.
 */

const KEEP = 8;
/** Gaps before each sample of a burst, then between samples. */
const BURST_MS = [0, 300, 700, 1_500];
const RESAMPLE_MS = 30_000;

let samples: ClockSample[] = [];
let offset = 0;
/** Bumped on every new estimate; 0 until the first sample arrives. */
let version = 0;
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setTimeout> | undefined;

export const serverNow = () => Date.now() + offset;
export const clockVersion = () => version;

/** One sample. A failed one is skipped: the next is at most half a minute away. */
async function sample(): Promise<void> {
  try {
    const sentAt = Date.now();
    const res = await fetch("/api/time", { cache: "no-store", credentials: "omit" });
    const receivedAt = Date.now();
    if (!res.ok) return;
    const parsed = serverTimeSchema.safeParse(await res.json());
    if (!parsed.success) return;
    const { serverTime } = parsed.data;
    samples = [...samples.slice(1 - KEEP), { serverTime, sentAt, receivedAt }];
    offset = estimateOffset(samples);
    version++;
    for (const l of listeners) l();
  } catch {
    // offline or aborted: keep the last estimate
  }
}

/** One timer: the next sample of the burst, or the next half-minute one. */
function run(gaps: readonly number[]) {
  clearTimeout(timer);
  if (listeners.size === 0 || document.visibilityState === "hidden") return;
  const [gap = RESAMPLE_MS, ...rest] = gaps;
  timer = setTimeout(() => void sample().then(() => run(rest)), gap);
}

function onVisibility() {
  // A tab that was hidden may have slept: measure afresh before trusting the old offset.
  if (document.visibilityState === "visible") run(BURST_MS.slice(0, 2));
  else clearTimeout(timer);
}

/** For useSyncExternalStore: sampling runs while anything on the page shows the shop's time. */
export function subscribeClock(listener: () => void): () => void {
  listeners.add(listener);
  if (listeners.size === 1) {
    document.addEventListener("visibilitychange", onVisibility);
    run(version === 0 ? BURST_MS : [0]);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      document.removeEventListener("visibilitychange", onVisibility);
      clearTimeout(timer);
    }
  };
}
