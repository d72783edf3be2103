import { describe, expect, it } from "vitest";
import { SALT, seal, userOf } from "@/test/support/session-seal";
import { MAX_SESSION_CHARS, parseCookies, sessionCookie } from "./cookie-header";

describe("the Cookie header", () => {
  it("parses names and values, the first of a name winning", () => {
    expect(parseCookies("a=1; a=2; b = 3 ;c")).toEqual(
      new Map([
        ["a", "1"],
        ["b", "3"],
      ]),
    );
    expect(parseCookies(null)).toEqual(new Map());
    expect(parseCookies("=;;=")).toEqual(new Map());
  });

  it("finds the session cookie under either name, the secure one first", () => {
    expect(sessionCookie(parseCookies(`x=1; ${SALT}=abc`))).toEqual({ name: SALT, value: "abc" });
    expect(sessionCookie(parseCookies(`${SALT}=plain; __Secure-${SALT}=secure`))).toEqual({
      name: `__Secure-${SALT}`,
      value: "secure",
    });
    expect(sessionCookie(parseCookies("other=1"))).toBeNull();
  });

  it("joins a cookie Auth.js split into chunks, in order", async () => {
    const jwe = await seal({ sub: "chunky", pad: "x".repeat(3000) });
    const cut = [jwe.slice(0, 1500), jwe.slice(1500, 3000), jwe.slice(3000)];
    const header = cut
      .map((c, i) => `${SALT}.${i}=${c}`)
      .reverse()
      .join("; ");
    expect(sessionCookie(parseCookies(header))).toEqual({ name: SALT, value: jwe });
    expect(await userOf(header)).toEqual({ id: "chunky", role: "shopper", sv: 0 });
  });

  it("takes no session cookie longer than any session", () => {
    const long = "x".repeat(MAX_SESSION_CHARS + 1);
    expect(sessionCookie(parseCookies(`${SALT}=${long}`))).toBeNull();
    expect(
      sessionCookie(parseCookies(`${SALT}.0=${long.slice(9)}; ${SALT}.1=123456789`)),
    ).toBeNull();
  });

  it("junk and oversized headers are no session", async () => {
    for (const header of [
      null,
      undefined,
      "",
      "=;;=",
      `${SALT}=`,
      `${SALT}=a.b.c.d.e`,
      `${SALT}=${"x".repeat(10_000)}`,
    ])
      expect(await userOf(header)).toBeNull();
  });
});
