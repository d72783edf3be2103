/**
 * When (and whether) the browser tries Buy Now again. Pure, so it is tested without a network.
 * - Only retryable answers are retried: rate limited, unavailable, network errors.
 * - Full jitter: the delay is uniform in [0, min(cap, base·2^attempt)], so thousands of
 *   clients that failed together do not come back together.
 * - A server's Retry-After is a floor: never sooner than it asks.
 * - The deadline is absolute: no retry is scheduled that would land after it.
 */

export type RetryPolicy = { baseMs: number; capMs: number; deadlineMs: number };

export const BUY_NOW_POLICY: RetryPolicy = { baseMs: 100, capMs: 1_000, deadlineMs: 3_000 };

/** Full-jitter backoff for the given attempt (0-based). */
export function backoffMs(
  attempt: number,
  policy: Pick<RetryPolicy, "baseMs" | "capMs">,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: "deadline" };

/**
 * @param attempt     how many attempts have failed so far (1 after the first failure)
 * @param elapsedMs   time since the click
 * @param retryAfterMs what the server asked for, if anything
 * @param reserveMs   time to keep for the request itself after the wait
 */
export function nextRetry(
  {
    attempt,
    elapsedMs,
    retryAfterMs,
    reserveMs = 250,
  }: { attempt: number; elapsedMs: number; retryAfterMs?: number; reserveMs?: number },
  policy: RetryPolicy = BUY_NOW_POLICY,
  random: () => number = Math.random,
): RetryDecision {
  const jittered = backoffMs(attempt - 1, policy, random);
  const floor = Math.max(0, retryAfterMs ?? 0);
  // Honour Retry-After, plus a little jitter on top so clients told the same time spread out.
  const delayMs =
    floor > 0
      ? floor + Math.floor(random() * Math.min(policy.capMs, Math.max(50, floor * 0.2)))
      : jittered;
  if (elapsedMs + delayMs + reserveMs > policy.deadlineMs)
    return { retry: false, reason: "deadline" };
  return { retry: true, delayMs };
}

export const isRetryable = (status: string) =>
  status === "rate_limited" || status === "unavailable" || status === "network_error";
