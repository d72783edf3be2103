import { describe, expect, it } from "vitest";
import { estimateLine } from "./line-estimate";

describe("estimateLine", () => {
  it("needs as many lapsed holds as the place in line, within one hold time", () => {
    expect(estimateLine({ position: 3, available: 0, held: 10, holdSeconds: 120 })).toEqual({
      chance: "possible",
      needed: 3,
      held: 10,
      rounds: 1,
      waitMs: 120_000,
    });
  });
  it("past the holds running now, more rounds of lapses and more hold times", () => {
    expect(estimateLine({ position: 25, available: 0, held: 10, holdSeconds: 60 })).toMatchObject({
      chance: "slim",
      rounds: 3,
      waitMs: 180_000,
    });
  });
  it("no holds left: nothing can come back", () => {
    expect(estimateLine({ position: 1, available: 0, held: 0, holdSeconds: 60 }).chance).toBe(
      "none",
    );
  });
  it("a free unit is as good as it gets", () => {
    expect(estimateLine({ position: 4, available: 1, held: 3, holdSeconds: 60 }).chance).toBe(
      "good",
    );
  });
});
