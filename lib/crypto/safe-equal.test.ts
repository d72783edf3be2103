import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { safeEqual } from "./safe-equal";

describe("safeEqual", () => {
  it("never throws, whatever the two strings hold, and is true exactly when they are equal", () => {
    expect(safeEqual("é".repeat(28), "x".repeat(28))).toBe(false);
    expect(safeEqual("token", "token")).toBe(true);
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.string({ unit: "binary" }), (a, b) => {
        expect(safeEqual(a, b)).toBe(a === b);
        expect(safeEqual(a, a)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
