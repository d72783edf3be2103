import { randomBytes } from "node:crypto";
import { EncryptJWT } from "jose";
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { key, SALT, seal, secret } from "@/test/support/session-seal";
import { issueTicket, userFromTicket } from "./lane-ticket";
import { readSession, type SessionKeys } from "./session-cookie";
import { SESSION_CRYPTO, type SessionDecoder } from "./session-crypto";
import { sessionReads } from "./session-reads";

/**
 * SESSION_DECODER=hand and =library must give the same answer for every cookie: both are read
 * here, through the same read and cache, on cookies Auth.js itself sealed.
 */

const DECODERS: SessionDecoder[] = ["hand", "library"];
const OTHER_SECRET = "the-secret-before-rotation-0123456789abcdef";
const keysOf = (decoder: SessionDecoder, s = secret()): SessionKeys => ({
  secret: s,
  crypto: SESSION_CRYPTO[decoder],
});

/** Each case makes a fresh cookie, so no decoder finds it kept by the other. */
type Case = { name: string; cookie: () => Promise<string>; at?: (now: number) => number };
const forge = (jwe: string) => {
  const parts = jwe.split(".");
  const ct = parts[3]!;
  parts[3] = (ct[0] === "A" ? "B" : "A") + ct.slice(1);
  return parts.join(".");
};
const CASES: Case[] = [
  { name: "valid", cookie: () => seal({ sub: "valid", role: "merchant", sv: 2 }, 3600) },
  {
    name: "valid, A256GCM without kid",
    cookie: () =>
      new EncryptJWT({ sub: "gcm" })
        .setProtectedHeader({ alg: "dir", enc: "A256GCM" })
        .setExpirationTime("1h")
        .encrypt(key("A256GCM")),
  },
  { name: "expired", cookie: () => seal({ sub: "expired" }, -5) },
  // Within next-auth/jwt's own 15 s tolerance: the one rule (./session-claims.ts) decides.
  { name: "expired 10 s ago", cookie: () => seal({ sub: "late" }, 60), at: (now) => now + 70_000 },
  { name: "last moment", cookie: () => seal({ sub: "last" }, 60), at: (now) => now + 59_000 },
  { name: "forged", cookie: async () => forge(await seal({ sub: "forged" }, 3600)) },
  { name: "another secret", cookie: () => seal({ sub: "foreign" }, 3600, OTHER_SECRET) },
  {
    name: "another cookie name",
    cookie: () => seal({ sub: "secure" }, 3600, secret(), `__Secure-${SALT}`),
  },
];

describe("both session decoders", () => {
  afterEach(() => void vi.useRealTimers());

  it("give the same answer for valid, expired, forged and foreign cookies", async () => {
    const expected: Record<string, unknown> = {
      valid: { id: "valid", role: "merchant", sv: 2 },
      "valid, A256GCM without kid": { id: "gcm", role: "shopper", sv: 0 },
      "last moment": { id: "last", role: "shopper", sv: 0 },
    };
    for (const c of CASES)
      for (const decoder of DECODERS) {
        vi.useFakeTimers({ toFake: ["Date"] });
        const now = Date.now();
        const jwe = await c.cookie();
        vi.setSystemTime(c.at?.(now) ?? now);
        const decrypted = sessionReads.decrypted;
        const read = await readSession(`${SALT}=${jwe}`, {}, keysOf(decoder));
        expect(read?.user ?? null, `${c.name}, ${decoder}`).toEqual(expected[c.name] ?? null);
        if (read) expect(sessionReads.decrypted - decrypted).toBe(1); // decoded, not found kept
        vi.useRealTimers();
      }
  });

  it("decrypt to the same claims", async () => {
    const jwe = await seal({ sub: "claims", name: "Zoë 🛒", email: "z@x.test" }, 3600);
    const hand = await SESSION_CRYPTO.hand.decrypt(jwe, secret(), SALT);
    expect(hand).toMatchObject({ sub: "claims", name: "Zoë 🛒" });
    expect(await SESSION_CRYPTO.library.decrypt(jwe, secret(), SALT)).toEqual(hand);
    for (const decoder of DECODERS) {
      expect(await SESSION_CRYPTO[decoder].decrypt(forge(jwe), secret(), SALT)).toBeNull();
      expect(await SESSION_CRYPTO[decoder].decrypt("a.b.c.d.e", secret(), SALT)).toBeNull();
    }
  });

  it("a rotated AUTH_SECRET ends the old sessions, kept ones included", async () => {
    for (const decoder of DECODERS) {
      const before = await seal({ sub: `rotated-${decoder}` }, 3600, OTHER_SECRET);
      const after = await seal({ sub: `new-${decoder}` }, 3600);
      const old = keysOf(decoder, OTHER_SECRET);
      const current = keysOf(decoder);
      expect((await readSession(`${SALT}=${before}`, {}, old))?.user.id).toBe(`rotated-${decoder}`); // kept under the old secret
      expect(await readSession(`${SALT}=${before}`, {}, current), decoder).toBeNull();
      expect((await readSession(`${SALT}=${after}`, {}, current))?.user.id).toBe(`new-${decoder}`);
      // A lane ticket made under the old secret vouches for nothing under the new one.
      const exp = Math.floor(Date.now() / 1000) + 3600;
      const user = { id: `rotated-${decoder}`, role: "shopper" as const, sv: 0 };
      const t = issueTicket(user, SALT, before, OTHER_SECRET, exp, Date.now(), old.crypto)!;
      const header = `${SALT}=${before}; stampede.lane=${t.value}`;
      expect(await readSession(header, {}, current), `${decoder} ticket`).toBeNull();
    }
  });

  it("make and check lane tickets with the same MAC", () => {
    const { hand, library } = SESSION_CRYPTO;
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), fc.string({ minLength: 1 }), (...a) => {
        const [name, tag, body, s] = a;
        // latin1, as ticket parts are: [\w-] characters
        const ascii = [name, tag, body].map((p) => Buffer.from(p, "latin1").toString("latin1"));
        const [n = "", t = "", b = ""] = ascii;
        return hand.ticketMac(s, n, t, b).equals(library.ticketMac(s, n, t, b));
      }),
    );
    const jwe = `x..y.z.${randomBytes(32).toString("base64url")}`;
    const exp = Math.floor(Date.now() / 1000) + 60;
    const user = { id: "crossed", role: "merchant" as const, sv: 4 };
    for (const [make, check] of [
      [hand, library],
      [library, hand],
    ] as const) {
      const t = issueTicket(user, SALT, jwe, secret(), exp, Date.now(), make)!;
      expect(userFromTicket(t.value, SALT, jwe, secret(), Date.now(), check)).toEqual(user);
    }
  });
});
