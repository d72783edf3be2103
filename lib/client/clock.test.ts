import { describe, expect, it } from "vitest";
import { estimateOffset, type ClockSample } from "./clock";

/** The true offset in these samples is 10,000 ms: the shop's clock is 10 s ahead of the browser's. */
const TRUE = 10_000;
/** A response sent at `sentAt`, stamped `stampAfter` ms later, received `rtt` ms after sending. */
const sample = (sentAt: number, rtt: number, stampAfter: number, cachedAgeMs = 0): ClockSample => ({
  sentAt,
  receivedAt: sentAt + rtt,
  serverTime: sentAt + stampAfter + TRUE - cachedAgeMs,
});

describe("estimateOffset", () => {
  it("is exact for a symmetric round trip, and 0 with no samples", () => {
    expect(estimateOffset([])).toBe(0);
    expect(estimateOffset([sample(0, 40, 20)])).toBe(TRUE);
  });

  it("believes the fastest sample, so a response that waited on a loaded server does not put the clock ahead", () => {
    // Two slow answers stamped late (queued 1.9 s before the handler ran), one quick one.
    const samples = [sample(0, 2_000, 1_950), sample(3_000, 30, 15), sample(5_000, 1_500, 1_450)];
    const offset = estimateOffset(samples);
    expect(Math.abs(offset - TRUE)).toBeLessThanOrEqual(15); // at most half the best round trip
    // What taking the largest midpoint did: almost a second ahead.
    const largestMidpoint = Math.max(
      ...samples.map((s) => s.serverTime - (s.sentAt + s.receivedAt) / 2),
    );
    expect(largestMidpoint - TRUE).toBeGreaterThan(900);
  });

  it("never goes below what a sample proves, even when the fastest one was a cached answer", () => {
    // The fastest answer came from a cache, stamped 800 ms before it was sent; a slower fresh
    // one proves the offset is at least TRUE - 10.
    const samples = [sample(0, 4, 0, 800), sample(1_000, 60, 50)];
    const offset = estimateOffset(samples);
    expect(offset).toBeGreaterThanOrEqual(TRUE - 10);
    expect(offset).toBeLessThanOrEqual(TRUE);
  });

  it("never runs ahead of the shop by more than half the best round trip, whatever the samples", () => {
    for (let run = 0; run < 200; run++) {
      const samples = Array.from({ length: 10 }, (_, i) => {
        const rtt = 5 + Math.random() * 3_000;
        const cached = Math.random() < 0.3 ? Math.random() * 1_000 : 0;
        return sample(i * 1_000, rtt, Math.random() * rtt, cached);
      });
      const bestRtt = Math.min(...samples.map((s) => s.receivedAt - s.sentAt));
      expect(estimateOffset(samples) - TRUE).toBeLessThanOrEqual(bestRtt / 2 + 1e-9);
    }
  });
});
