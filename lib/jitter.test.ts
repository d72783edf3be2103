import { describe, expect, it } from "vitest";
import { around, between } from "./jitter";

describe("jitter", () => {
  it("between covers [min, max] in whole milliseconds", () => {
    expect(between(200, 700, () => 0)).toBe(200);
    expect(between(200, 700, () => 0.999_999)).toBe(700);
    expect(between(200, 700, () => 0.5)).toBe(450);
    const seen = new Set(Array.from({ length: 200 }, () => between(0, 1_000)));
    expect(seen.size).toBeGreaterThan(50);
    for (const v of seen) expect(Number.isInteger(v) && v >= 0 && v <= 1_000).toBe(true);
  });

  it("around spreads evenly on both sides", () => {
    expect(around(1_000, 0.3, () => 0)).toBe(700);
    expect(around(1_000, 0.3, () => 0.5)).toBe(1_000);
    expect(around(1_000, 0.3, () => 0.999_999)).toBe(1_300);
  });
});
