import { describe, expect, it } from "vitest";
import { backoffMs, BUY_NOW_POLICY, isRetryable, nextRetry } from "./retry";

const seq = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length]!;
};

describe("backoffMs (full jitter)", () => {
  it("stays within [0, min(cap, base·2^attempt))", () => {
    for (let attempt = 0; attempt < 12; attempt++) {
      const ceiling = Math.min(BUY_NOW_POLICY.capMs, BUY_NOW_POLICY.baseMs * 2 ** attempt);
      for (let i = 0; i < 200; i++) {
        const d = backoffMs(attempt, BUY_NOW_POLICY);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThan(ceiling);
      }
      expect(backoffMs(attempt, BUY_NOW_POLICY, () => 0.999999)).toBe(ceiling - 1);
      expect(backoffMs(attempt, BUY_NOW_POLICY, () => 0)).toBe(0);
    }
  });

  it("does not synchronize many clients that failed together", () => {
    const delays = Array.from({ length: 10_000 }, () => backoffMs(3, BUY_NOW_POLICY));
    // Spread over the whole interval: every tenth of it gets roughly a tenth of the clients.
    const ceiling = Math.min(BUY_NOW_POLICY.capMs, BUY_NOW_POLICY.baseMs * 2 ** 3);
    const buckets = Array(10).fill(0);
    for (const d of delays) buckets[Math.floor((d / ceiling) * 10)]++;
    for (const b of buckets) expect(b).toBeGreaterThan(700);
    const distinct = new Set(delays).size;
    expect(distinct).toBeGreaterThan(ceiling * 0.9);
  });
});

describe("nextRetry", () => {
  it("honours Retry-After as a floor", () => {
    const d = nextRetry(
      { attempt: 1, elapsedMs: 0, retryAfterMs: 1_000 },
      BUY_NOW_POLICY,
      () => 0.5,
    );
    expect(d).toEqual({ retry: true, delayMs: 1_000 + 100 });
    for (let i = 0; i < 100; i++) {
      const r = nextRetry({ attempt: 1, elapsedMs: 0, retryAfterMs: 700 });
      expect(r.retry && r.delayMs).toBeGreaterThanOrEqual(700);
    }
  });

  it("never schedules a retry that would land past the deadline", () => {
    expect(nextRetry({ attempt: 1, elapsedMs: 2_500, retryAfterMs: 1_000 })).toEqual({
      retry: false,
      reason: "deadline",
    });
    expect(nextRetry({ attempt: 1, elapsedMs: 0, retryAfterMs: 5_000 })).toEqual({
      retry: false,
      reason: "deadline",
    });
    for (let elapsed = 0; elapsed < 3_000; elapsed += 37) {
      const r = nextRetry({ attempt: 3, elapsedMs: elapsed });
      if (r.retry) expect(elapsed + r.delayMs + 250).toBeLessThanOrEqual(BUY_NOW_POLICY.deadlineMs);
    }
  });

  it("backs off exponentially without Retry-After", () => {
    const max = (attempt: number) =>
      nextRetry(
        { attempt, elapsedMs: 0 },
        { ...BUY_NOW_POLICY, deadlineMs: 60_000 },
        seq(0.999999),
      );
    expect(max(1)).toEqual({ retry: true, delayMs: 99 });
    expect(max(2)).toEqual({ retry: true, delayMs: 199 });
    expect(max(3)).toEqual({ retry: true, delayMs: 399 });
    expect(max(8)).toEqual({ retry: true, delayMs: 999 });
  });

  it("retries only retryable answers", () => {
    expect(["rate_limited", "unavailable", "network_error"].every(isRetryable)).toBe(true);
    expect(
      ["secured", "in_line", "sold_out", "ended", "not_started", "already_purchased"].some(
        isRetryable,
      ),
    ).toBe(false);
  });
});
