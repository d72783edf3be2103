/**
 * Random spreads, so that many clients or processes told the same thing do not act in step.
 * (Full-jitter backoff for retries is lib/client/retry.ts.)
 */

/** A delay in [minMs, maxMs], whole milliseconds. */
export const between = (minMs: number, maxMs: number, random = Math.random): number =>
  Math.round(minMs + random() * (maxMs - minMs));

/** `ms` give or take `fraction` of it: around(1_000, 0.3) is in [700, 1300]. */
export const around = (ms: number, fraction: number, random = Math.random): number =>
  between(ms * (1 - fraction), ms * (1 + fraction), random);
