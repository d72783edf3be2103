import { describe, expect, it } from "vitest";
import { isTimeout, Timeout, withTimeout } from "./timeout";

describe("withTimeout", () => {
  it("returns the value of a call that beats the deadline", async () => {
    await expect(withTimeout(200, async () => "fast")).resolves.toBe("fast");
  });

  it("rejects with Timeout at the deadline and aborts the call's signal", async () => {
    let seen: AbortSignal | undefined;
    const started = performance.now();
    const error = await withTimeout(50, (signal) => {
      seen = signal;
      return new Promise(() => {}); // never settles
    }).catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(150);
    expect(isTimeout(error)).toBe(true);
    expect((error as Timeout).ms).toBe(50);
    expect(seen?.aborted).toBe(true);
  });

  it("passes the call's own errors through", async () => {
    const boom = new Error("boom");
    await expect(withTimeout(200, () => Promise.reject(boom))).rejects.toBe(boom);
  });
});
