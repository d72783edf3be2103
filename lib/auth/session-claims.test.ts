import { describe, expect, it } from "vitest";
import { hasExpired, sessionFromClaims } from "./session-claims";

const NOW = Date.UTC(2026, 11, 2, 9, 0, 0);
const nowS = NOW / 1000;

describe("what a session's claims grant", () => {
  it("a session is valid strictly before its exp, with no tolerance", () => {
    expect(hasExpired(nowS, NOW - 1)).toBe(false);
    expect(hasExpired(nowS, NOW)).toBe(true);
    expect(hasExpired(nowS, NOW + 15_000)).toBe(true);
    expect(sessionFromClaims({ sub: "u", exp: nowS + 1 }, NOW)).not.toBeNull();
    expect(sessionFromClaims({ sub: "u", exp: nowS }, NOW)).toBeNull();
    expect(sessionFromClaims({ sub: "u", exp: nowS - 5 }, NOW)).toBeNull();
  });

  it("not before its nbf", () => {
    expect(sessionFromClaims({ sub: "u", nbf: nowS }, NOW)).not.toBeNull();
    expect(sessionFromClaims({ sub: "u", nbf: nowS + 1 }, NOW)).toBeNull();
  });

  it("the user: sub, role (shopper unless merchant), session version (0 when none)", () => {
    expect(sessionFromClaims({ sub: "m", role: "merchant", sv: 3, exp: nowS + 60 }, NOW)).toEqual({
      user: { id: "m", role: "merchant", sv: 3 },
      expS: nowS + 60,
    });
    expect(sessionFromClaims({ sub: "s", role: "admin", sv: "9" }, NOW)).toEqual({
      user: { id: "s", role: "shopper", sv: 0 },
      expS: undefined,
    });
  });

  it("claims of the wrong type grant nothing", () => {
    for (const claims of [
      {},
      { sub: 42 },
      { sub: "u", exp: "never" },
      { sub: "u", exp: null },
      { sub: "u", nbf: "now" },
    ])
      expect(sessionFromClaims(claims, NOW), JSON.stringify(claims)).toBeNull();
  });
});
