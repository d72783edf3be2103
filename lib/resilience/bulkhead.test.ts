import { describe, expect, it, vi } from "vitest";
import { budget, BUDGETS, bulkhead, bulkheadStats, configureBudgets } from "./bulkhead";
import { retryAfterSeconds, unavailableResponse } from "@/lib/http/status";
import { isShed, isUnavailable, Shed } from "./unavailable";

/** Budgets are per process and hold no I/O, so these tests need neither Redis nor PostgreSQL. */

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { opened, open };
}

describe("bulkhead", () => {
  it("rejects at once past its budget, with no queue, and counts what it shed", async () => {
    const b = bulkhead("test-full", 8);
    const hold = gate();
    const running = Array.from({ length: 8 }, () => b.run(() => hold.opened));
    expect(b.stats()).toMatchObject({ active: 8, admitted: 8, shed: 0 });

    let ran = 0;
    const timings = await Promise.all(
      Array.from({ length: 100 }, async () => {
        const started = performance.now();
        const error = await b.run(() => void ran++).catch((e: unknown) => e);
        return { error, ms: performance.now() - started };
      }),
    );
    expect(ran).toBe(0); // nothing waited for a slot and ran later
    for (const { error, ms } of timings) {
      expect(isShed(error)).toBe(true);
      expect(ms).toBeLessThan(50);
    }
    const delays = timings.map(({ error }) => (error as Shed).retryAfterMs);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(200);
    expect(Math.max(...delays)).toBeLessThanOrEqual(1_000);
    expect(new Set(delays).size).toBeGreaterThan(10); // jittered, so retries do not come back in step
    expect((timings[0]!.error as Shed).budget).toBe("test-full");
    expect(b.stats()).toMatchObject({ limit: 8, active: 8, admitted: 8, shed: 100 });

    hold.open();
    await Promise.all(running);
    expect(b.stats().active).toBe(0);
    await expect(b.run(() => "admitted again")).resolves.toBe("admitted again");
  });

  it("frees the slot when the call fails, and passes its error through unchanged", async () => {
    const b = bulkhead("test-fail", 1);
    const boom = new Error("boom");
    await expect(
      b.run(() => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    await expect(b.run(async () => 1)).resolves.toBe(1);
    expect(b.stats()).toMatchObject({ active: 0, admitted: 2, shed: 0 });
  });

  it("keeps budgets separate, and a nested budget's refusal names that budget", async () => {
    const outer = bulkhead("test-outer", 4);
    const inner = bulkhead("test-inner", 1);
    const hold = gate();
    const busy = inner.run(() => hold.opened);
    // The inner budget is full; the outer one still admits, and the refusal is the inner one's.
    const error = await outer.run(() => inner.run(() => "x")).catch((e: unknown) => e);
    expect(isShed(error) && error.budget).toBe("test-inner");
    expect(outer.stats()).toMatchObject({ admitted: 1, shed: 0 });
    expect(inner.stats()).toMatchObject({ admitted: 1, shed: 1 });
    hold.open();
    await busy;
  });

  it("has process-wide gate and db budgets with their default sizes", () => {
    expect(budget("gate")).toBe(budget("gate"));
    expect(budget("gate").limit).toBe(BUDGETS.gate);
    expect(budget("db").limit).toBe(BUDGETS.db);
    expect(() => configureBudgets({ db: BUDGETS.db + 1 })).toThrow(/already in use/);
    expect(bulkheadStats().map((s) => s.name)).toEqual(expect.arrayContaining(["gate", "db"]));
  });

  it("answers a shed call with 503 and Retry-After in whole seconds (at least 1)", async () => {
    const res = unavailableResponse(new Shed("gate", 1_200).retryAfterMs);
    expect(res.status).toBe(503);
    expect(res.headers.get("Retry-After")).toBe("2");
    expect(await res.json()).toEqual({ status: "unavailable", retryAfterMs: 1_200 });
    expect(unavailableResponse(new Shed("gate", 200).retryAfterMs).headers.get("Retry-After")).toBe(
      "1",
    );
    expect([0, 1, 999, 1_000, 1_001].map(retryAfterSeconds)).toEqual([1, 1, 1, 1, 2]);
    expect(isUnavailable(new Shed("gate", 1))).toBe(true);
    expect(isUnavailable(new Error("other"))).toBe(false);
  });
  it("knows a refusal thrown by another copy of this module (server.ts and Next.js bundles)", async () => {
    vi.resetModules();
    const other = await import("./unavailable");
    expect(other.Shed).not.toBe(Shed);
    const foreign = new other.Shed("gate", 300);
    expect(foreign instanceof Shed).toBe(false);
    expect(isShed(foreign)).toBe(true);
    expect(isUnavailable(new other.CircuitOpen("postgres", 1_000))).toBe(true);
    expect(isShed(Object.assign(new Error("x"), { name: "Shed" }))).toBe(false); // no retry hint
    expect(isShed({ name: "Shed", retryAfterMs: 1 })).toBe(false); // not an Error
  });
});
