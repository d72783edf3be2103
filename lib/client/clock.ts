/**
 * The shop's clock as the browser sees it: an offset to add to Date.now(), from samples of
 * `GET /api/time` (./server-clock.ts), each fetched uncached so its `serverTime` is fresh.
 *
 * A sample stamped at `serverTime`, sent at `sentAt` and received at `receivedAt` bounds the
 * offset between `serverTime - receivedAt` and `serverTime - sentAt`. As NTP does, the estimate
 * is the midpoint of the sample with the shortest round trip (its error is at most half that
 * round trip), never below the best lower bound. The largest midpoint would believe the slowest
 * sample most: a response that waited a second on a loaded server would put the clock half a
 * second ahead, and Buy Now would turn on before the start.
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
