import { createCipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";
import { base64url, EncryptJWT, jwtDecrypt } from "jose";
import { decode, encode } from "next-auth/jwt";
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { env } from "@/lib/env";
import {
  decryptSession,
  parseCookies,
  readSession,
  sessionReads,
  SESSIONS_MAX,
  userFromCookieHeader,
} from "./session-cookie";
import { issueTicket, userFromTicket } from "./lane-ticket";

/**
 * The session cookie is decrypted by our own code on the hot path (node:crypto, synchronous),
 * not by jose: these tests hold it to what Auth.js writes and jose reads, and make sure that
 * every way of tampering with a cookie ends in "no session".
 */

const SALT = "authjs.session-token";
const secret = () => env().AUTH_SECRET;
const seal = (token: Record<string, unknown>, maxAge?: number, s = secret(), salt = SALT) =>
  encode({ token, secret: s, salt, maxAge });
const key = (enc: "A256CBC-HS512" | "A256GCM", s = secret(), salt = SALT) =>
  new Uint8Array(
    hkdfSync(
      "sha256",
      s,
      salt,
      `Auth.js Generated Encryption Key (${salt})`,
      enc === "A256GCM" ? 32 : 64,
    ),
  );

/**
 * Seals bytes as Auth.js seals a session (A256CBC-HS512, `alg: dir`), synchronously, with a
 * correct tag over whatever the ciphertext is: `pad: false` seals whole blocks exactly as given.
 */
function sealCbc(plain: Buffer, { pad = true } = {}): string {
  const k = Buffer.from(key("A256CBC-HS512"));
  const iv = randomBytes(16);
  const c = createCipheriv("aes-256-cbc", k.subarray(32), iv);
  c.setAutoPadding(pad);
  const ct = Buffer.concat([c.update(plain), c.final()]);
  return sealedAs(CBC_HEADER, iv, ct);
}
const CBC_HEADER = base64url.encode(JSON.stringify({ alg: "dir", enc: "A256CBC-HS512" }));
/** The compact JWE of these parts, with the tag computed over them, whatever they are. */
function sealedAs(h: string, iv: Buffer, ct: Buffer): string {
  const k = Buffer.from(key("A256CBC-HS512"));
  const al = Buffer.alloc(8);
  al.writeBigUInt64BE(BigInt(h.length * 8));
  const tag = createHmac("sha512", k.subarray(0, 32))
    .update(Buffer.concat([Buffer.from(h), iv, ct, al]))
    .digest()
    .subarray(0, 32);
  return [h, "", iv, ct, tag]
    .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
    .join(".");
}

describe("decryptSession", () => {
  it("reads what Auth.js's encode writes, exactly as Auth.js's decode does", async () => {
    const token = { sub: "user-1", role: "merchant", name: "Zoë Ünïcode 🛒", email: "z@x.test" };
    const jwe = await seal(token);
    const ours = decryptSession(jwe, secret(), SALT);
    expect(ours).toEqual(await decode({ token: jwe, secret: secret(), salt: SALT }));
    expect(ours).toMatchObject(token);
    expect(userFromCookieHeader(`a=1; ${SALT}=${jwe}; b=2`)).toEqual({
      id: "user-1",
      role: "merchant",
      sv: 0,
    });
    // The secure-prefixed cookie uses its own name as the salt.
    const secure = await seal({ sub: "user-2" }, undefined, secret(), `__Secure-${SALT}`);
    expect(userFromCookieHeader(`__Secure-${SALT}=${secure}`)).toEqual({
      id: "user-2",
      role: "shopper",
      sv: 0,
    });
    expect(userFromCookieHeader(`${SALT}=${secure}`)).toBeNull(); // wrong salt
  });

  it("joins a cookie Auth.js split into chunks", async () => {
    const jwe = await seal({ sub: "chunky", pad: "x".repeat(3000) });
    const cut = [jwe.slice(0, 1500), jwe.slice(1500, 3000), jwe.slice(3000)];
    const header = cut.map((c, i) => `${SALT}.${i}=${c}`).join("; ");
    expect(userFromCookieHeader(header)).toEqual({ id: "chunky", role: "shopper", sv: 0 });
  });

  it("reads A256GCM sessions too (jose-made), and agrees with jose on them", async () => {
    const jwe = await new EncryptJWT({ sub: "gcm-user" })
      .setProtectedHeader({ alg: "dir", enc: "A256GCM" })
      .setExpirationTime("1h")
      .encrypt(key("A256GCM"));
    const ours = decryptSession(jwe, secret(), SALT);
    expect(ours).toEqual((await jwtDecrypt(jwe, key("A256GCM"))).payload);
    expect(ours).toMatchObject({ sub: "gcm-user" });
  });

  it("refuses expired and not-yet-valid sessions (15 s tolerance, like jose's)", async () => {
    const jwe = await seal({ sub: "u" }, 60);
    const now = Date.now();
    expect(decryptSession(jwe, secret(), SALT, now)).not.toBeNull();
    expect(decryptSession(jwe, secret(), SALT, now + 70_000)).not.toBeNull(); // within tolerance
    expect(decryptSession(jwe, secret(), SALT, now + 80_000)).toBeNull();
    const future = await new EncryptJWT({ sub: "u" })
      .setProtectedHeader({ alg: "dir", enc: "A256CBC-HS512" })
      .setNotBefore(Math.floor(now / 1000) + 60)
      .encrypt(key("A256CBC-HS512"));
    expect(decryptSession(future, secret(), SALT, now)).toBeNull();
    expect(decryptSession(future, secret(), SALT, now + 61_000)).not.toBeNull();
    // An expired cookie is no session at all, whatever the tolerance.
    const stale = await seal({ sub: "u" }, -5);
    expect(userFromCookieHeader(`${SALT}=${stale}`)).toBeNull();
  });

  it("refuses another secret, another algorithm and hand-made headers", async () => {
    const jwe = await seal({ sub: "u" });
    expect(decryptSession(jwe, "another secret that is long enough to pass", SALT)).toBeNull();
    const [h, , iv, ct, tag] = jwe.split(".") as [string, string, string, string, string];
    const header = JSON.parse(new TextDecoder().decode(base64url.decode(h)));
    const withHeader = (o: unknown) =>
      [base64url.encode(JSON.stringify(o)), "", iv, ct, tag].join(".");
    for (const bad of [
      { ...header, alg: "A256KW" },
      { ...header, enc: "A128CBC-HS256" },
      { ...header, zip: "DEF" },
      { ...header, crit: ["exp"] },
      { ...header, kid: "other" }, // the header is authenticated: any change breaks the tag
      "not an object",
      null,
    ])
      expect(decryptSession(withHeader(bad), secret(), SALT), JSON.stringify(bad)).toBeNull();
    expect(decryptSession([h, "AAAA", iv, ct, tag].join("."), secret(), SALT)).toBeNull();
    expect(decryptSession([h, "", iv, ct].join("."), secret(), SALT)).toBeNull();
    expect(decryptSession(`${jwe}.`, secret(), SALT)).toBeNull();
    expect(decryptSession([h, "", iv, ct, `${tag}=`].join("."), secret(), SALT)).toBeNull();
  });

  it("a plaintext that is not a JSON object is refused even when correctly sealed", () => {
    const k = Buffer.from(key("A256GCM"));
    const sealRaw = (plaintext: string) => {
      const h = base64url.encode(JSON.stringify({ alg: "dir", enc: "A256GCM" }));
      const iv = randomBytes(12);
      const c = createCipheriv("aes-256-gcm", k, iv);
      c.setAAD(Buffer.from(h, "ascii"));
      const ct = Buffer.concat([c.update(plaintext, "utf8"), c.final()]);
      return [h, "", iv, ct, c.getAuthTag()]
        .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
        .join(".");
    };
    expect(decryptSession(sealRaw(JSON.stringify({ sub: "ok" })), secret(), SALT)).toEqual({
      sub: "ok",
    });
    for (const p of ["[1,2]", "42", '"sub"', "null", "{not json", JSON.stringify({ exp: "x" })])
      expect(decryptSession(sealRaw(p), secret(), SALT), p).toBeNull();
  });

  it("A256CBC-HS512 with the kept decipher agrees with jose at every padding length", async () => {
    const k = key("A256CBC-HS512");
    // 32 lengths of `pad` walk the plaintext through two whole AES blocks: every PKCS #7 length.
    for (let n = 0; n < 32; n++) {
      const claims = { sub: `user-${n}`, pad: "é".repeat(n % 3) + "x".repeat(n) };
      const jwe = await new EncryptJWT(claims)
        .setProtectedHeader({ alg: "dir", enc: "A256CBC-HS512" })
        .setExpirationTime("1h")
        .encrypt(k);
      const ours = decryptSession(jwe, secret(), SALT);
      expect(ours, `pad ${n}`).toEqual((await jwtDecrypt(jwe, k)).payload);
    }
  });

  it("refuses authentic CBC ciphertexts with bad padding or broken blocks, and stays in step", async () => {
    const good = await seal({ sub: "still-good" });
    const body = Buffer.from(JSON.stringify({ sub: "padded" }).padEnd(31, " "), "utf8"); // 31 bytes
    const withLast = (last: number[]) =>
      Buffer.concat([body.subarray(0, 32 - last.length), Buffer.from(last)]);
    const open = (blocks: Buffer) =>
      decryptSession(sealCbc(blocks, { pad: false }), secret(), SALT);
    expect(open(withLast([1]))).toEqual({ sub: "padded" });
    for (const bad of [[0], [17], [255], [2, 3], [4, 4, 5, 4], [5, 4, 4, 4]]) {
      expect(open(withLast(bad)), String(bad)).toBeNull();
      expect(decryptSession(good, secret(), SALT)).toMatchObject({ sub: "still-good" });
    }
    // Not whole blocks, under a correct tag: refused before any block is deciphered, so the
    // next cookie still reads.
    const [h, , iv, ct] = good.split(".") as [string, string, string, string, string];
    const cut = Buffer.from(ct, "base64url").subarray(0, -1);
    expect(
      decryptSession(sealedAs(h, Buffer.from(iv, "base64url"), cut), secret(), SALT),
    ).toBeNull();
    expect(
      decryptSession(sealedAs(h, Buffer.from(iv, "base64url"), Buffer.alloc(0)), secret(), SALT),
    ).toBeNull();
    expect(decryptSession(good, secret(), SALT)).toMatchObject({ sub: "still-good" });
  });

  it("accepts each part in its one spelling only (spare bits of the last character zero)", async () => {
    const jwe = await seal({ sub: "spelled" });
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const parts = jwe.split(".");
    for (const at of [2, 3, 4]) {
      const p = parts[at]!;
      const spare = p.length % 4 === 2 ? 15 : p.length % 4 === 3 ? 3 : 0;
      if (!spare) continue; // ct may be a multiple of 4 long: nothing spare
      const other = alphabet[alphabet.indexOf(p[p.length - 1]!) | 1]!; // same bytes, spare bit set
      const respelled = parts.map((q, i) => (i === at ? q.slice(0, -1) + other : q)).join(".");
      expect(Buffer.from(respelled.split(".")[at]!, "base64url")).toEqual(
        Buffer.from(p, "base64url"),
      );
      expect(decryptSession(respelled, secret(), SALT), `part ${at}`).toBeNull();
      expect(userFromCookieHeader(`${SALT}=${respelled}`)).toBeNull();
    }
    expect(decryptSession(jwe, secret(), SALT)).toMatchObject({ sub: "spelled" });
  });

  it("refuses parts of the wrong length, under a correct tag too, without throwing", async () => {
    const good = await seal({ sub: "sized" });
    const [h, , iv, ct, tag] = good.split(".") as [string, string, string, string, string];
    const join = (i: string, c: string, t: string) => [h, "", i, c, t].join(".");
    const cases = [
      join(iv, ct, tag.slice(0, 42)), // tag 42 characters
      join(iv, ct, tag + "A"), // 44
      join(iv.slice(0, 21), ct, tag), // IV 21
      join(iv + "A", ct, tag), // 23
      join(iv, ct + "AAAA", tag), // ciphertext not whole blocks
      join(iv, "", tag), // no ciphertext
    ];
    // A part of 4k + 1 characters encodes no byte string: a second spelling of 4k characters.
    if (ct.length % 4 === 0) cases.push(join(iv, ct + "A", tag));
    // Authentic (tag computed over them) but of the wrong size.
    const ivBytes = Buffer.from(iv, "base64url");
    const ctBytes = Buffer.from(ct, "base64url");
    for (const n of [15, 17]) {
      const other = Buffer.alloc(n, 7);
      ivBytes.copy(other);
      cases.push(sealedAs(h, other, ctBytes));
    }
    for (const jwe of cases) {
      expect(() => decryptSession(jwe, secret(), SALT)).not.toThrow();
      expect(decryptSession(jwe, secret(), SALT), jwe).toBeNull();
      expect(userFromCookieHeader(`${SALT}=${jwe}`)).toBeNull();
    }
    for (const t of [31, 33]) {
      const sealed = sealedAs(h, ivBytes, ctBytes).split(".");
      const cut = Buffer.from(sealed[4]!, "base64url");
      const resized = Buffer.concat([cut, Buffer.alloc(1)])
        .subarray(0, t)
        .toString("base64url");
      const jwe = [...sealed.slice(0, 4), resized].join(".");
      expect(() => decryptSession(jwe, secret(), SALT)).not.toThrow();
      expect(decryptSession(jwe, secret(), SALT)).toBeNull();
    }
    expect(decryptSession(good, secret(), SALT)).toMatchObject({ sub: "sized" });
  });

  it("reads sessions of every size Auth.js writes in one cookie, growing and shrinking", async () => {
    // The tag is computed in a buffer kept for the key, which grows with the cookie. A secret of
    // this test's own gives a key no other test has grown, so growth is tested from the start.
    const own = `every-size-${randomBytes(8).toString("hex")}-0123456789abcdef`;
    for (const n of [0, 100, 300, 400, 500, 1000, 2000, 3000, 600, 10]) {
      const jwe = await seal({ sub: `sized-${n}`, pad: "x".repeat(n) }, undefined, own);
      expect(decryptSession(jwe, own, SALT), `pad ${n}`).toMatchObject({ sub: `sized-${n}` });
    }
  });

  it("any change to any character of a real session cookie gives no session", async () => {
    const jwe = await seal({ sub: "victim", role: "merchant" });
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ";
    fc.assert(
      fc.property(fc.nat({ max: jwe.length - 1 }), fc.constantFrom(...alphabet), (at, ch) => {
        fc.pre(jwe[at] !== ch);
        const forged = jwe.slice(0, at) + ch + jwe.slice(at + 1);
        // base64url's last character can carry spare bits that decode to the same bytes:
        // such a spelling is the same cookie, not a forgery — it must decode to the same user.
        const got = decryptSession(forged, secret(), SALT);
        if (got) expect(got).toMatchObject({ sub: "victim", role: "merchant" });
        return true;
      }),
      { numRuns: 2_000 },
    );
  });

  it("ignores junk and oversized cookie headers", () => {
    for (const header of [
      null,
      undefined,
      "",
      "=;;=",
      `${SALT}=`,
      `${SALT}=a.b.c.d.e`,
      `${SALT}=${"x".repeat(10_000)}`,
    ])
      expect(userFromCookieHeader(header)).toBeNull();
    expect(parseCookies("a=1; a=2; b = 3 ;c")).toEqual(
      new Map([
        ["a", "1"],
        ["b", "3"],
      ]),
    );
  });
});

describe("userFromCookieHeader keeps the sessions it has read", () => {
  afterEach(() => void vi.useRealTimers());

  const sealNow = (claims: Record<string, unknown>) => sealCbc(Buffer.from(JSON.stringify(claims)));
  const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

  it("answers a cookie it has read from memory, with the same user", async () => {
    const jwe = await seal({ sub: "returning", role: "merchant" });
    const { decrypted, remembered } = sessionReads;
    const first = userFromCookieHeader(`${SALT}=${jwe}`);
    const again = userFromCookieHeader(`x=1; ${SALT}=${jwe}`);
    expect(first).toEqual({ id: "returning", role: "merchant", sv: 0 });
    expect(again).toEqual(first);
    expect(sessionReads.decrypted - decrypted).toBe(1);
    expect(sessionReads.remembered - remembered).toBe(1);
  });

  it("refuses a kept session once its exp has passed, and forgets it", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const exp = inAnHour();
    const jwe = sealNow({ sub: "short-lived", exp });
    expect(userFromCookieHeader(`${SALT}=${jwe}`)).toEqual({
      id: "short-lived",
      role: "shopper",
      sv: 0,
    });
    const kept = sessionReads.kept;
    vi.setSystemTime(exp * 1000); // the last moment it is valid
    expect(userFromCookieHeader(`${SALT}=${jwe}`)).toEqual({
      id: "short-lived",
      role: "shopper",
      sv: 0,
    });
    vi.setSystemTime(exp * 1000 + 1);
    expect(userFromCookieHeader(`${SALT}=${jwe}`)).toBeNull();
    expect(sessionReads.kept).toBe(kept - 1);
    expect(userFromCookieHeader(`${SALT}=${jwe}`)).toBeNull(); // and a fresh decrypt agrees
  });

  it("keeps no cookie that is not a session, none without exp, and none under another name", async () => {
    const kept = sessionReads.kept;
    const jwe = await seal({ sub: "victim" });
    const [h, , iv, ct, tag] = jwe.split(".") as [string, string, string, string, string];
    const forged = [h, "", iv, (ct[0] === "A" ? "B" : "A") + ct.slice(1), tag].join(".");
    for (const header of [
      `${SALT}=${forged}`,
      `${SALT}=a.b.c.d.e`,
      `${SALT}=${sealNow({ sub: "no-exp" })}`,
    ])
      userFromCookieHeader(header);
    expect(userFromCookieHeader(`${SALT}=${sealNow({ sub: "no-exp" })}`)).toEqual({
      id: "no-exp",
      role: "shopper",
      sv: 0,
    });
    expect(sessionReads.kept).toBe(kept);
    // Read under its own name, then offered under the secure name (another salt): refused.
    expect(userFromCookieHeader(`${SALT}=${jwe}`)).toMatchObject({ id: "victim" });
    expect(userFromCookieHeader(`__Secure-${SALT}=${jwe}`)).toBeNull();
  });

  it("counts what it refused: forged, expired (kept or not) and foreign cookies", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const { refused, decrypted } = sessionReads;
    const exp = inAnHour();
    const jwe = sealNow({ sub: "counted", exp });
    userFromCookieHeader(`${SALT}=${jwe}`);
    userFromCookieHeader(`${SALT}=${jwe.slice(0, -2)}AA`); // forged tag
    userFromCookieHeader(
      `${SALT}=${await seal({ sub: "x" }, undefined, "another-secret-0123456789abcdef")}`,
    );
    vi.setSystemTime(exp * 1000 + 1);
    userFromCookieHeader(`${SALT}=${jwe}`); // kept, now expired
    userFromCookieHeader(`${SALT}=${sealNow({ sub: "late", exp })}`); // never kept, expired
    userFromCookieHeader("other=1"); // no session cookie: not a read
    expect(sessionReads.decrypted - decrypted).toBe(1);
    expect(sessionReads.refused - refused).toBe(4);
  });

  it("keeps at most SESSIONS_MAX: sessions not read again go, sessions in use stay", () => {
    const exp = inAnHour();
    const idle = sealNow({ sub: "idle", exp });
    const active = sealNow({ sub: "active", exp });
    userFromCookieHeader(`${SALT}=${idle}`);
    userFromCookieHeader(`${SALT}=${active}`);
    let most = 0;
    for (let i = 0; i < SESSIONS_MAX; i++) {
      userFromCookieHeader(`${SALT}=${sealNow({ sub: `s${i}`, exp })}`);
      if (i % 1000 === 0) {
        const kept = sessionReads.kept;
        userFromCookieHeader(`${SALT}=${active}`); // a shopper still pressing
        expect(sessionReads.kept).toBe(kept); // moved between generations, not copied
      }
      most = Math.max(most, sessionReads.kept);
    }
    expect(most).toBeLessThanOrEqual(SESSIONS_MAX);
    expect(most).toBeGreaterThanOrEqual(SESSIONS_MAX / 2);
    const { decrypted, remembered } = sessionReads;
    expect(userFromCookieHeader(`${SALT}=${active}`)).toEqual({
      id: "active",
      role: "shopper",
      sv: 0,
    });
    expect(sessionReads.remembered - remembered).toBe(1); // still kept
    expect(userFromCookieHeader(`${SALT}=${idle}`)).toEqual({ id: "idle", role: "shopper", sv: 0 });
    expect(sessionReads.decrypted - decrypted).toBe(1); // it had been dropped: read again
  });
});

describe("readSession and lane tickets (./lane-ticket.ts)", () => {
  afterEach(() => void vi.useRealTimers());

  const sealNow = (claims: Record<string, unknown>) => sealCbc(Buffer.from(JSON.stringify(claims)));
  const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;
  const ticketOf = (setCookie: string | undefined) =>
    /^stampede\.lane=([^;]+);/.exec(setCookie ?? "")?.[1];
  const counts = () => ({ ...sessionReads });
  const delta = (before: ReturnType<typeof counts>) => ({
    decrypted: sessionReads.decrypted - before.decrypted,
    remembered: sessionReads.remembered - before.remembered,
    ticketed: sessionReads.ticketed - before.ticketed,
    refused: sessionReads.refused - before.refused,
  });

  it("a decrypt sends a ticket back; the session kept, the ticket coming back costs no new one", () => {
    const jwe = sealNow({ sub: "panel", exp: inAnHour() });
    const before = counts();
    const first = readSession(`${SALT}=${jwe}`, true);
    const ticket = ticketOf(first?.setCookie);
    expect(first?.user).toEqual({ id: "panel", role: "shopper", sv: 0 });
    expect(first?.setCookie).toMatch(/; Path=\/api\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/);
    expect(userFromTicket(ticket!, SALT, jwe, secret())).toEqual({
      id: "panel",
      role: "shopper",
      sv: 0,
    });
    // The browser sends it back: found kept, nothing new to send.
    expect(readSession(`${SALT}=${jwe}; stampede.lane=${ticket}`, true)).toEqual({
      user: first!.user,
    });
    // A client that does not keep it is sent one again by /me; a press never sends one.
    expect(ticketOf(readSession(`${SALT}=${jwe}`, true)?.setCookie)).toBe(ticket);
    expect(readSession(`${SALT}=${jwe}`)).toEqual({ user: first!.user });
    expect(delta(before)).toEqual({ decrypted: 1, remembered: 3, ticketed: 0, refused: 0 });
  });

  it("a press that decrypts sends no ticket", () => {
    const before = counts();
    const read = readSession(`${SALT}=${sealNow({ sub: "script", exp: inAnHour() })}`);
    expect(read).toEqual({ user: { id: "script", role: "shopper", sv: 0 } });
    expect(delta(before)).toEqual({ decrypted: 1, remembered: 0, ticketed: 0, refused: 0 });
  });

  it("a session this process never read, with its ticket, is vouched for by the ticket alone", () => {
    const exp = inAnHour();
    const jwe = sealNow({ sub: "elsewhere", role: "merchant", exp });
    // Made by another instance, for this session.
    const t = issueTicket({ id: "elsewhere", role: "merchant", sv: 0 }, SALT, jwe, secret(), exp);
    const before = counts();
    const read = readSession(`${SALT}=${jwe}; stampede.lane=${t!.value}`);
    expect(read).toEqual({ user: { id: "elsewhere", role: "merchant", sv: 0 } });
    expect(delta(before)).toEqual({ decrypted: 0, remembered: 0, ticketed: 1, refused: 0 });
    expect(sessionReads.kept).toBe(before.kept); // nothing kept for a ticket
  });

  it("a ticket never stands in for a session: none, another one, or one made up", async () => {
    const exp = inAnHour();
    const jwe = sealNow({ sub: "owner", exp });
    const t = issueTicket({ id: "owner", role: "shopper", sv: 0 }, SALT, jwe, secret(), exp)!.value;
    const before = counts();
    // Signed out: the session cookie is gone, the ticket is left.
    expect(readSession(`stampede.lane=${t}`)).toBeNull();
    // Someone else signed in on this browser: their session, the old ticket.
    const next = sealNow({ sub: "next-user", exp });
    const read = readSession(`${SALT}=${next}; stampede.lane=${t}`, true);
    expect(read?.user).toEqual({ id: "next-user", role: "shopper", sv: 0 });
    expect(userFromTicket(ticketOf(read?.setCookie)!, SALT, next, secret())?.id).toBe("next-user");
    // A forged session (another's tag) beside a real ticket for the owner's: refused.
    const [h, , iv, ct, tag] = next.split(".") as [string, string, string, string, string];
    const forged = [h, "", iv, (ct[0] === "A" ? "B" : "A") + ct.slice(1), tag].join(".");
    expect(readSession(`${SALT}=${forged}; stampede.lane=${t}`)).toBeNull();
    expect(delta(before)).toEqual({ decrypted: 1, remembered: 0, ticketed: 0, refused: 1 });
    // The documented limit (docs/threat-model.md): the ticket is bound to the session's tag, not
    // to a decrypted session. A made-up cookie that ends in the owner's tag, beside the owner's
    // ticket, is taken as the owner. Both come from the owner's cookies, the whole session.
    const [, , , , ownerTag] = jwe.split(".") as [string, string, string, string, string];
    expect(readSession(`${SALT}=x..y.z.${ownerTag}; stampede.lane=${t}`)?.user.id).toBe("owner");
  });

  it("reads a ticket beside a chunked session, and only under the session's own cookie name", async () => {
    const exp = inAnHour();
    const jwe = sealNow({ sub: "chunky-ticket", exp });
    const t = issueTicket(
      { id: "chunky-ticket", role: "shopper", sv: 0 },
      SALT,
      jwe,
      secret(),
      exp,
    )!;
    const before = counts();
    const half = Math.floor(jwe.length / 2);
    expect(
      readSession(
        `${SALT}.0=${jwe.slice(0, half)}; ${SALT}.1=${jwe.slice(half)}; stampede.lane=${t.value}`,
      ),
    ).toEqual({ user: { id: "chunky-ticket", role: "shopper", sv: 0 } });
    expect(delta(before)).toEqual({ decrypted: 0, remembered: 0, ticketed: 1, refused: 0 });
    // A secure session reads `__Secure-stampede.lane`: the plain ticket is not even looked at,
    // and this one was made for the plain name anyway.
    const secure = await seal({ sub: "chunky-ticket" }, 3600, secret(), `__Secure-${SALT}`);
    const secureTicket = issueTicket(
      { id: "chunky-ticket", role: "shopper", sv: 0 },
      `__Secure-${SALT}`,
      secure,
      secret(),
      exp,
    )!;
    expect(readSession(`__Secure-${SALT}=${secure}; stampede.lane=${secureTicket.value}`)).toEqual({
      user: { id: "chunky-ticket", role: "shopper", sv: 0 },
    });
    expect(delta(before)).toEqual({ decrypted: 1, remembered: 0, ticketed: 1, refused: 0 });
    expect(
      readSession(`__Secure-${SALT}=${secure}; __Secure-stampede.lane=${secureTicket.value}`),
    ).toEqual({ user: { id: "chunky-ticket", role: "shopper", sv: 0 } });
    expect(delta(before)).toEqual({ decrypted: 1, remembered: 1, ticketed: 1, refused: 0 });
  });

  it("a kept session with another instance's valid ticket: /me sends none, then knows it", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const exp = Math.floor(Date.now() / 1000) + 7 * 24 * 3600; // longer than a ticket lives
    const jwe = sealNow({ sub: "roaming", exp });
    const mine = readSession(`${SALT}=${jwe}`, true); // kept here, with this process's ticket
    vi.setSystemTime(Date.now() + 5_000); // another instance made its ticket 5 s later
    const theirs = issueTicket(
      { id: "roaming", role: "shopper", sv: 0 },
      SALT,
      jwe,
      secret(),
      exp,
    )!;
    expect(ticketOf(mine?.setCookie)).not.toBe(theirs.value);
    const before = counts();
    expect(readSession(`${SALT}=${jwe}; stampede.lane=${theirs.value}`, true)).toEqual({
      user: { id: "roaming", role: "shopper", sv: 0 },
    });
    expect(readSession(`${SALT}=${jwe}; stampede.lane=${theirs.value}`, true)?.setCookie).toBe(
      undefined,
    );
    // A made-up one is replaced.
    const made = `${theirs.value.slice(0, -1)}${theirs.value.endsWith("A") ? "E" : "A"}`;
    expect(readSession(`${SALT}=${jwe}; stampede.lane=${made}`, true)?.setCookie).toBeDefined();
    expect(delta(before)).toEqual({ decrypted: 0, remembered: 3, ticketed: 0, refused: 0 });
  });

  it("an expired or foreign ticket falls back to the session, which makes a fresh one", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const exp = inAnHour();
    const jwe = sealNow({ sub: "late", exp });
    const soon = issueTicket(
      { id: "late", role: "shopper", sv: 0 },
      SALT,
      jwe,
      secret(),
      exp - 1800,
    )!;
    const foreign = issueTicket(
      { id: "late", role: "shopper", sv: 0 },
      SALT,
      jwe,
      "another-secret-0123456789",
      exp,
    )!;
    vi.setSystemTime((exp - 1800) * 1000);
    const before = counts();
    const read = readSession(`${SALT}=${jwe}; stampede.lane=${soon.value}`, true);
    expect(read?.user.id).toBe("late");
    expect(read?.setCookie).toContain("Max-Age=1800;");
    expect(
      readSession(`${SALT}=${jwe}; stampede.lane=${foreign.value}`, true)?.setCookie,
    ).toBeDefined();
    expect(delta(before)).toEqual({ decrypted: 1, remembered: 1, ticketed: 0, refused: 0 });
  });

  it("a session without exp gets no ticket (and is not kept)", () => {
    const read = readSession(`${SALT}=${sealNow({ sub: "no-exp" })}`, true);
    expect(read).toEqual({ user: { id: "no-exp", role: "shopper", sv: 0 } });
  });
});
