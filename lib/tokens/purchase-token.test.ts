import { createHmac } from "node:crypto";
import { base64url, generateKeyPair, SignJWT } from "jose";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { env } from "@/lib/env";
import { gate } from "@/lib/gate/gate";
import { postOrder, postToken } from "@/lib/http/sale-api";
import { checkoutHttpStatus } from "@/lib/http/status";
import { checkout, type CheckoutResult } from "@/lib/orders/checkout";
import { createLiveSale, createUsers } from "@/test/support/fixtures";
import { sessionCookieFor, snapshotSale, type StateSnapshot } from "@/test/support/hostile";
import { signPurchaseToken, verifyPurchaseToken } from "./purchase-token";

/**
 * Purchase tokens under attack. lib/orders/checkout.test.ts covers a token signed with another
 * secret, a replaced signature, non-strings, expiry, another shopper's token and the owner's
 * replay; this suite covers the rest of the ways to make one up: algorithm confusion, claims
 * edited without re-signing, truncation, extra segments, huge tokens, random corruption, and
 * replays once the hold is gone. Each is refused with its 4xx and nothing changes — the sale's
 * Redis counters, holders and outbox, its sales row and its orders are compared before/after.
 */

type Party = { id: string; cookie: string; token: string; hold: string; exp: number };

let saleA = "";
let saleB = "";
let alice: Party;
let bob: Party;
let beforeA: StateSnapshot;
let beforeB: StateSnapshot;

const realKey = () => new TextEncoder().encode(env().TOKEN_SECRET);
const enc = (o: unknown) => base64url.encode(JSON.stringify(o));
const dec = (s: string) => JSON.parse(new TextDecoder().decode(base64url.decode(s)));
/** A compact HS256 JWS made by hand with the server's secret (for headers jose will not sign). */
const hs256 = (header: unknown, payload: unknown, secret = env().TOKEN_SECRET) => {
  const input = `${enc(header)}.${enc(payload)}`;
  return `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`;
};
const parts = (t: string) => t.split(".") as [string, string, string];

async function buyer(saleId: string, userId: string): Promise<Party> {
  const cookie = await sessionCookieFor(userId);
  const r = await postToken(saleId, { cookie });
  const body = r.body as { status: string; token: string; expiresAt: number };
  if (body.status !== "secured") throw new Error(`expected secured, got ${body.status}`);
  const st = await gate.state(saleId, userId);
  if (st.s !== "ok" || !st.hold) throw new Error("no hold");
  return { id: userId, cookie, token: body.token, hold: st.hold, exp: body.expiresAt };
}

/** Checkout as the JSON route answers it: the HTTP status and the body's status word. */
async function attempt(who: Party, token: unknown) {
  const r: CheckoutResult = await checkout(who.id, token);
  return {
    http: checkoutHttpStatus(r),
    status: r.status,
    message: "message" in r ? r.message : undefined,
  };
}

const unchanged = async () => {
  expect(await snapshotSale(saleA)).toEqual(beforeA);
  expect(await snapshotSale(saleB)).toEqual(beforeB);
};

beforeAll(async () => {
  saleA = (await createLiveSale({ stock: 5 })).sale.id;
  saleB = (await createLiveSale({ stock: 5 })).sale.id;
  const [a, b] = await createUsers(2);
  alice = await buyer(saleA, a!);
  bob = await buyer(saleB, b!);
  beforeA = await snapshotSale(saleA);
  beforeB = await snapshotSale(saleB);
  expect(beforeA.gate).toMatchObject({ held: 1, sold: 0 });
});

describe("made-up tokens", () => {
  it("alg none, HS512 and RS256 headers, and weak secrets are all 400 invalid_token", async () => {
    const claims = { sale: saleA };
    const build = () =>
      new SignJWT(claims)
        .setIssuer("stampede")
        .setSubject(alice.id)
        .setJti(alice.hold)
        .setExpirationTime(Math.ceil(alice.exp / 1000));
    const [h, p] = parts(alice.token);
    const rsa = await generateKeyPair("RS256");
    const ATTACKER = "attacker-secret-attacker-secret!!";
    const forged = {
      "alg none, no signature": `${enc({ alg: "none", typ: "JWT" })}.${p}.`,
      "alg none, the real signature kept": `${enc({ alg: "none" })}.${p}.${parts(alice.token)[2]}`,
      "alg NONE": `${enc({ alg: "NONE" })}.${p}.`,
      "HS512 with the real secret": await build()
        .setProtectedHeader({ alg: "HS512" })
        .sign(realKey()),
      "HS384 with the real secret": await build()
        .setProtectedHeader({ alg: "HS384" })
        .sign(realKey()),
      "RS256 with an attacker's RSA key": await build()
        .setProtectedHeader({ alg: "RS256" })
        .sign(rsa.privateKey),
      "RS256 header on an HMAC signature": `${enc({ alg: "RS256", typ: "JWT" })}.${p}.${parts(alice.token)[2]}`,
      "HS256 with an empty-ish secret": await build()
        .setProtectedHeader({ alg: "HS256" })
        .sign(new TextEncoder().encode("\0")),
      "HS256 with 'secret'": await build()
        .setProtectedHeader({ alg: "HS256" })
        .sign(new TextEncoder().encode("secret")),
      // The attacker's key inside the header, the token signed with it.
      "an embedded jwk of the attacker's": hs256(
        { alg: "HS256", jwk: { kty: "oct", k: base64url.encode(ATTACKER) } },
        dec(p),
        ATTACKER,
      ),
      // Signed with the real secret by hand: jose itself refuses to sign an unknown crit.
      "a crit header the server does not know": hs256(
        { alg: "HS256", crit: ["x-evil"], "x-evil": 1 },
        dec(p),
      ),
      "the header of another token": `${h}.${p}.${"_".repeat(43)}`,
    };
    for (const [name, token] of Object.entries(forged)) {
      expect(await attempt(alice, token), name).toMatchObject({
        http: 400,
        status: "invalid_token",
        message: "That purchase token is not valid.",
      });
    }
    await unchanged();
  });

  it("claims edited without re-signing (sub, sale, jti, exp, iss) are 400, whoever presents them", async () => {
    const [h, p, s] = parts(alice.token);
    const payload = dec(p);
    const edits: [string, Record<string, unknown>, Party][] = [
      ["sub → bob, presented by bob", { sub: bob.id }, bob],
      ["sale → sale B", { sale: saleB }, alice],
      ["sale → sale A in upper case", { sale: saleA.toUpperCase() }, alice],
      ["jti → bob's hold", { jti: bob.hold }, alice],
      ["exp → next year", { exp: payload.exp + 365 * 24 * 3600 }, alice],
      ["exp removed", { exp: undefined }, alice],
      ["iss → other", { iss: "other" }, alice],
      ["an extra claim", { admin: true }, alice],
      ["sub as a number", { sub: 1 }, alice],
      ["sale as an array", { sale: [saleA, saleB] }, alice],
    ];
    for (const [name, change, who] of edits) {
      const token = `${h}.${enc({ ...payload, ...change })}.${s}`;
      expect(await attempt(who, token), name).toMatchObject({ http: 400, status: "invalid_token" });
    }
    // The header edited (alg spelled differently, typ changed), the payload as it was.
    for (const header of [{ alg: "hs256" }, { alg: "HS256", typ: "JWE" }, { alg: "HS256" }])
      expect(await attempt(alice, `${enc(header)}.${p}.${s}`)).toMatchObject({ http: 400 });
    expect(dec(h)).toEqual({ alg: "HS256", typ: "JWT" });
    await unchanged();
  });

  it("truncated, padded, extra segments, wrong shape: 400", async () => {
    const t = alice.token;
    const [h, p, s] = parts(t);
    const shapes = {
      "no signature": `${h}.${p}`,
      "empty signature": `${h}.${p}.`,
      "signature cut short": `${h}.${p}.${s.slice(0, 20)}`,
      "payload cut short": `${h}.${p.slice(0, p.length - 4)}.${s}`,
      "header only": h,
      "four segments": `${t}.${s}`,
      "five segments (JWE shape)": `${h}.${p}.${s}.${p}.${s}`,
      "a leading dot": `.${t}`,
      "double dots": `${h}..${p}.${s}`,
      "a space before": ` ${t}`,
      "percent-encoded": encodeURIComponent(t).replace(/\./g, "%2E"),
      "base64 instead of base64url": `${h}.${p}.${Buffer.from(base64url.decode(s)).toString("base64")}`,
      "the token twice": `${t}${t}`,
      empty: "",
    };
    for (const [name, token] of Object.entries(shapes))
      expect(await attempt(alice, token), name).toMatchObject({
        http: 400,
        status: "invalid_token",
      });
    await unchanged();
  });

  it("huge tokens: 400 past 2 KiB inside a small body, 413 past the body limit", async () => {
    for (const token of [
      `${alice.token}${"A".repeat(2100)}`,
      `${parts(alice.token)[0]}.${base64url.encode("x".repeat(3000))}.${parts(alice.token)[2]}`,
      "A".repeat(15_000),
    ])
      expect(await attempt(alice, token)).toMatchObject({ http: 400, status: "invalid_token" });
    expect(
      await postOrder({ cookie: alice.cookie, body: { token: "A".repeat(15_000) } }),
    ).toMatchObject({ status: 400, body: { status: "invalid_token" } });
    await unchanged();
  });

  it("random corruption anywhere in a real token never buys, and a token has one spelling", async () => {
    const t = alice.token;
    const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ \n\0";
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: t.length }),
        fc.constantFrom(...ALPHABET),
        fc.constantFrom("replace", "insert", "delete"),
        async (at, c, op) => {
          const token =
            op === "replace"
              ? t.slice(0, at) + c + t.slice(at + 1)
              : op === "insert"
                ? t.slice(0, at) + c + t.slice(at)
                : t.slice(0, at) + t.slice(at + 1);
          fc.pre(token !== t);
          expect(await attempt(alice, token)).toMatchObject({ http: 400, status: "invalid_token" });
        },
      ),
      { numRuns: 400 },
    );
    // The signature's last character carries two spare bits the decoder ignores: "…A" and "…B"
    // would be the same signature. Only the canonical one is taken.
    const last = t.at(-1)!;
    const sibling = "AEIMQUYcgkosw048".includes(last)
      ? String.fromCharCode(last.charCodeAt(0) + 1)
      : last;
    expect(await attempt(alice, t.slice(0, -1) + sibling)).toMatchObject({ http: 400 });
    expect(await attempt(alice, `${t}=`)).toMatchObject({ http: 400 });
    await unchanged();
  });

  it("a token minted with the server's secret but missing a claim is still refused (wrong_claims)", async () => {
    const base = () =>
      new SignJWT({ sale: saleA })
        .setProtectedHeader({ alg: "HS256" })
        .setIssuer("stampede")
        .setSubject(alice.id)
        .setJti(alice.hold);
    const noExp = await base().sign(realKey());
    const noSale = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("stampede")
      .setSubject(alice.id)
      .setJti(alice.hold)
      .setExpirationTime("2m")
      .sign(realKey());
    const noIssuer = await new SignJWT({ sale: saleA })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(alice.id)
      .setJti(alice.hold)
      .setExpirationTime("2m")
      .sign(realKey());
    expect(await verifyPurchaseToken(noExp)).toEqual({ ok: false, reason: "wrong_claims" });
    expect(await verifyPurchaseToken(noSale)).toEqual({ ok: false, reason: "wrong_claims" });
    expect((await verifyPurchaseToken(noIssuer)).ok).toBe(false);
    for (const token of [noExp, noSale, noIssuer])
      expect(await attempt(alice, token)).toMatchObject({ http: 400, status: "invalid_token" });
    await unchanged();
  });
});

describe("real tokens used wrongly", () => {
  it("another sale: a server-signed token naming sale B with a hold of sale A is 409 used", async () => {
    const crossed = await signPurchaseToken({
      userId: alice.id,
      saleId: saleB,
      holdId: alice.hold,
      expiresAt: alice.exp,
    });
    expect(await attempt(alice, crossed)).toMatchObject({ http: 409, status: "used" });
    await unchanged();
  });

  it("another shopper: bob presenting alice's token is 403, over HTTP too", async () => {
    expect(await attempt(bob, alice.token)).toMatchObject({ http: 403, status: "forbidden" });
    expect(await postOrder({ cookie: bob.cookie, body: { token: alice.token } })).toMatchObject({
      status: 403,
      body: { status: "forbidden", message: "That purchase token belongs to another shopper." },
    });
    await unchanged();
  });

  it("expired: 410, and the unit is not bought", async () => {
    const expired = await signPurchaseToken({
      userId: alice.id,
      saleId: saleA,
      holdId: alice.hold,
      expiresAt: Date.now() - 1_000,
    });
    expect(await attempt(alice, expired)).toMatchObject({ http: 410, status: "expired" });
    await unchanged();
  });

  it("replayed: the owner gets the same order back (200), anyone else 403, nothing is bought twice", async () => {
    const first = await postOrder({ cookie: alice.cookie, body: { token: alice.token } });
    expect(first).toMatchObject({ status: 201, body: { status: "confirmed", replay: false } });
    const { orderId } = first.body as { orderId: string };
    const afterBuy = await snapshotSale(saleA);
    expect(afterBuy.gate).toMatchObject({ held: 0, sold: 1 });
    expect(afterBuy.orders).toHaveLength(1);

    const replays = await Promise.all(
      Array.from({ length: 5 }, () =>
        postOrder({ cookie: alice.cookie, body: { token: alice.token } }),
      ),
    );
    for (const r of replays)
      expect(r).toMatchObject({
        status: 200,
        body: { status: "confirmed", replay: true, orderId },
      });
    expect(await attempt(bob, alice.token)).toMatchObject({ http: 403 });
    expect(await snapshotSale(saleA)).toEqual(afterBuy);
    beforeA = afterBuy;
  });

  it("replayed after the hold was released: 409 used, the unit stays with the sale", async () => {
    const released = await gate.release(saleB, bob.id, bob.hold);
    expect(released).toMatchObject({ s: "released" });
    const afterRelease = await snapshotSale(saleB);
    expect(await attempt(bob, bob.token)).toMatchObject({ http: 409, status: "used" });
    expect(await postOrder({ cookie: bob.cookie, body: { token: bob.token } })).toMatchObject({
      status: 409,
      body: { status: "used" },
    });
    expect(await snapshotSale(saleB)).toEqual(afterRelease);
    expect(afterRelease.gate).toMatchObject({ held: 0, sold: 0, avail: 5 });
  });
});

describe("signing", () => {
  it("makes byte for byte what jose's SignJWT makes, and jose verifies it", async () => {
    const claims = {
      userId: "6b7c1f3e-2a9d-4c1e-9f00-0a1b2c3d4e5f",
      saleId: "0e0f5a4b-1c2d-4e3f-8a9b-abcdefabcdef",
      holdId: "h-42:ü",
      expiresAt: Date.now() + 90_500,
    };
    const ours = await signPurchaseToken(claims);
    const joses = await new SignJWT({ sale: claims.saleId })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setIssuer("stampede")
      .setSubject(claims.userId)
      .setJti(claims.holdId)
      .setExpirationTime(Math.ceil(claims.expiresAt / 1000))
      .sign(realKey());
    expect(ours).toBe(joses);
    expect(await verifyPurchaseToken(ours)).toEqual({
      ok: true,
      claims: { ...claims, expiresAt: Math.ceil(claims.expiresAt / 1000) * 1000 },
    });
    const other = new TextEncoder().encode("another secret, at least thirty-two bytes long");
    expect(await verifyPurchaseToken(await signPurchaseToken(claims, other))).toMatchObject({
      ok: false,
      reason: "bad_signature",
    });
    expect(await verifyPurchaseToken(await signPurchaseToken(claims, other), other)).toMatchObject({
      ok: true,
    });
  });
});
