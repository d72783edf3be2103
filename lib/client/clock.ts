/**
 * The shop's clock as the browser sees it: an offset to add to Date.now(), from the
 * `serverTime` of recent responses.
 *
 * Each response stamped at `serverTime` and received at `receivedAt` proves the offset is at
 * least `serverTime - receivedAt` (the stamp was made before the answer arrived) — true even for
 * a cached response, whose stamp is only older. A fresh response also bounds it from above by
 * `serverTime - sentAt`. As NTP does, the estimate is the midpoint of the sample with the
 * shortest round trip (its error is at most half that round trip), never below the best lower
 * bound. Taking the largest midpoint instead — what this did before — believes the slowest
 * sample most: under load a response that waited a second on the server put the clock half a
 * second ahead, Buy Now turned on early, and the shopper's click met "not started".
 */

export type ClockSample = { serverTime: number; sentAt: number; receivedAt: number };

export function estimateOffset(samples: readonly ClockSample[]): number {
  if (samples.length === 0) return 0;
  let best = samples[0]!;
  let lowest = -Infinity;
  for (const s of samples) {
    if (s.receivedAt - s.sentAt < best.receivedAt - best.sentAt) best = s;
    lowest = Math.max(lowest, s.serverTime - s.receivedAt);
  }
  return Math.max(best.serverTime - (best.sentAt + best.receivedAt) / 2, lowest);
}
