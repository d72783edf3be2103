import { createHmac, hkdfSync } from "node:crypto";
import fc from "fast-check";
import { encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import {
  issueTicket,
  ticketCookieName,
  ticketSetCookie,
  TICKET_MAX_S,
  userFromTicket,
} from "./lane-ticket";

/**
 * A lane ticket vouches for a session on the hot routes with one HMAC. These tests hold it to
 * its promise: it names the user it was made for, next to the very session cookie it was made
 * for, with the secret it was made with, until it expires — and nothing else ever verifies.
 */

const NAME = "authjs.session-token";
const SECRET = "lane-ticket-test-secret-0123456789abcdef";
const USER = { id: "0b6f7c1e-2f4a-4c8e-9a51-3d2b1f0e9c77", role: "shopper" as const, sv: 0 };
const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const nowS = NOW / 1000;
const session = (sub = USER.id) =>
  encode({ token: { sub }, secret: SECRET, salt: NAME, maxAge: 7 * 24 * 3600 });

function ticketFor(jwe: string, opts: { name?: string; secret?: string; expS?: number } = {}) {
  const t = issueTicket(
    USER,
    opts.name ?? NAME,
    jwe,
    opts.secret ?? SECRET,
    opts.expS ?? nowS + 3600,
    NOW,
  );
  if (!t) throw new Error("no ticket");
  return t;
}

describe("lane tickets", () => {
  it("vouch for the user they were made for, next to their session, until they expire", async () => {
    const jwe = await session();
    const t = ticketFor(jwe);
    expect(t.maxAgeS).toBe(3600);
    expect(t.value).toMatch(/^[\w-]+\.s\.0\.\d+\.[\w-]{43}$/);
    expect(userFromTicket(t.value, NAME, jwe, SECRET, NOW)).toEqual(USER);
    expect(userFromTicket(t.value, NAME, jwe, SECRET, (nowS + 3599) * 1000)).toEqual(USER);
    expect(userFromTicket(t.value, NAME, jwe, SECRET, (nowS + 3600) * 1000)).toBeNull();
    const merchant = issueTicket({ ...USER, role: "merchant" }, NAME, jwe, SECRET, nowS + 60, NOW);
    expect(userFromTicket(merchant!.value, NAME, jwe, SECRET, NOW)).toEqual({
      ...USER,
      role: "merchant",
    });
  });

  it("is the documented MAC: HMAC-SHA-256, key from HKDF, over name, session tag and body", async () => {
    const jwe = await session();
    const t = ticketFor(jwe);
    const body = t.value.slice(0, -44);
    const key = Buffer.from(
      hkdfSync("sha256", SECRET, "stampede.lane", "Stampede lane ticket", 32),
    );
    const tag = jwe.split(".")[4]!;
    const mac = createHmac("sha256", key).update(`${NAME}|${tag}|${body}`).digest("base64url");
    expect(t.value).toBe(`${body}.${mac}`);
    expect(t.mac).toBe(mac);
  });

  it("never outlives its session, nor TICKET_MAX_S, and none is made for an expired one", async () => {
    const jwe = await session();
    expect(ticketFor(jwe, { expS: nowS + 10 * 24 * 3600 }).maxAgeS).toBe(TICKET_MAX_S);
    expect(ticketFor(jwe, { expS: nowS + 90.7 }).maxAgeS).toBe(90);
    expect(issueTicket(USER, NAME, jwe, SECRET, nowS, NOW)).toBeNull();
    expect(issueTicket(USER, NAME, jwe, SECRET, nowS - 1, NOW)).toBeNull();
  });

  it("makes none for a session cookie that is not a JWE, or an id a ticket cannot carry", async () => {
    const jwe = await session();
    expect(issueTicket(USER, NAME, "not-a-jwe", SECRET, nowS + 60, NOW)).toBeNull();
    expect(issueTicket(USER, NAME, jwe.slice(0, -1), SECRET, nowS + 60, NOW)).toBeNull();
    for (const id of ["", "a.b", "a b", "x".repeat(65), "ü"])
      expect(issueTicket({ ...USER, id }, NAME, jwe, SECRET, nowS + 60, NOW)).toBeNull();
  });

  it("counts for its own session only: not another session, cookie name or secret", async () => {
    const jwe = await session();
    const other = await session(); // same user, another session (Auth.js rewrote it)
    const t = ticketFor(jwe).value;
    expect(userFromTicket(t, NAME, other, SECRET, NOW)).toBeNull();
    expect(userFromTicket(t, `__Secure-${NAME}`, jwe, SECRET, NOW)).toBeNull();
    expect(userFromTicket(t, NAME, jwe, `${SECRET}x`, NOW)).toBeNull();
    expect(userFromTicket(t, NAME, "no-tag", SECRET, NOW)).toBeNull();
    // Made for the secure cookie, it counts for the secure cookie.
    const secure = ticketFor(jwe, { name: `__Secure-${NAME}` }).value;
    expect(userFromTicket(secure, `__Secure-${NAME}`, jwe, SECRET, NOW)).toEqual(USER);
    expect(userFromTicket(secure, NAME, jwe, SECRET, NOW)).toBeNull();
  });

  it("refuses every edit: the id, the role, the version, the expiry, the MAC, and another spelling", async () => {
    const jwe = await session();
    const t = ticketFor(jwe).value;
    const [id, role, sv, exp, mac] = t.split(".") as [string, string, string, string, string];
    const edits = [
      [`${id.slice(0, -1)}0`, role, sv, exp, mac],
      [id, "m", sv, exp, mac],
      [id, role, "1", exp, mac],
      [id, role, `0${sv}`, exp, mac],
      [id, role, sv, String(Number(exp) + 86400), mac],
      [id, role, sv, `0${exp}`, mac],
      [id, role, sv, exp, `${mac.slice(0, -1)}${mac.endsWith("A") ? "E" : "A"}`],
      // The last character's two spare bits set: decodes to the same bytes, another spelling.
      [id, role, sv, exp, `${mac.slice(0, -1)}${String.fromCharCode(mac.charCodeAt(42) + 1)}`],
    ].map((p) => p.join("."));
    for (const e of edits) expect(userFromTicket(e, NAME, jwe, SECRET, NOW), e).toBeNull();
    for (const bad of ["", ".", t.slice(0, -1), `${t}A`, `x${t}`, t.replace(/\./g, ""), `${t};`])
      expect(userFromTicket(bad, NAME, jwe, SECRET, NOW), bad).toBeNull();
  });

  it("refuses base64's + and / for - and _, which Node's decoder reads as the same bytes", async () => {
    let jwe = "";
    let t: string | undefined;
    for (let i = 0; i < 100 && !t; i++) {
      jwe = await session();
      const v = ticketFor(jwe).value;
      if (/[-_]/.test(v.slice(-43))) t = v;
    }
    const mac = t!.slice(-43);
    const respelled = `${t!.slice(0, -43)}${mac.replace(/-/g, "+").replace(/_/g, "/")}`;
    expect(Buffer.from(respelled.slice(-43), "base64url")).toEqual(Buffer.from(mac, "base64url"));
    expect(userFromTicket(t!, NAME, jwe, SECRET, NOW)).toEqual(USER);
    expect(userFromTicket(respelled, NAME, jwe, SECRET, NOW)).toBeNull();
  });

  it("nothing made up verifies: random strings and random one-character edits", async () => {
    const jwe = await session();
    const t = ticketFor(jwe).value;
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        expect(userFromTicket(s, NAME, jwe, SECRET, NOW)).toBeNull();
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(
        fc.nat({ max: t.length - 1 }),
        fc.constantFrom(..."0123456789abcdefABCDEF-_.smxyz+/="),
        (i, c) => {
          fc.pre(t[i] !== c);
          expect(
            userFromTicket(t.slice(0, i) + c + t.slice(i + 1), NAME, jwe, SECRET, NOW),
          ).toBeNull();
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("goes in a cookie of its own: HttpOnly, Lax, the API only, Secure beside a secure session", () => {
    expect(ticketCookieName(NAME)).toBe("stampede.lane");
    expect(ticketCookieName(`__Secure-${NAME}`)).toBe("__Secure-stampede.lane");
    expect(ticketSetCookie(NAME, { value: "v", maxAgeS: 60 })).toBe(
      "stampede.lane=v; Path=/api/; Max-Age=60; HttpOnly; SameSite=Lax",
    );
    expect(ticketSetCookie(`__Secure-${NAME}`, { value: "v", maxAgeS: 60 })).toBe(
      "__Secure-stampede.lane=v; Path=/api/; Max-Age=60; HttpOnly; SameSite=Lax; Secure",
    );
  });
});
