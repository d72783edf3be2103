/**
 * What a shopper in line can honestly be told, from the sale's live state alone. A unit reaches
 * the line only when a hold runs out unpaid (or is released), and goes to the head of the line:
 * the shopper at `position` is served once `position` holds have lapsed. The holds running now
 * all end within one hold time; a unit passed on starts a new hold, so each further round of
 * lapses can take another hold time. Nothing here guesses how often shoppers fail to pay.
 */

export type LineEstimate =
  | { chance: "good"; rounds: 0; waitMs: 0 }
  /** `position` of the `held` holds running now must lapse; the answer comes within `waitMs`. */
  | { chance: "possible" | "slim"; needed: number; held: number; rounds: number; waitMs: number }
  | { chance: "none"; rounds: 0; waitMs: 0 };

export function estimateLine(s: {
  position: number;
  available: number;
  held: number;
  holdSeconds: number;
}): LineEstimate {
  if (s.available > 0) return { chance: "good", rounds: 0, waitMs: 0 };
  if (s.held <= 0) return { chance: "none", rounds: 0, waitMs: 0 };
  const needed = Math.max(1, s.position);
  const rounds = Math.ceil(needed / s.held);
  return {
    chance: needed <= s.held ? "possible" : "slim",
    needed,
    held: s.held,
    rounds,
    waitMs: rounds * s.holdSeconds * 1000,
  };
}
