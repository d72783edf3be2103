import { base64url, generateKeyPair } from "jose";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { postOrder } from "@/lib/http/sale-api";
import {
  attempt,
  dec,
  enc,
  hs256,
  parts,
  purchaseClaims,
  realKey,
  twoSalesWithBuyers,
  type Party,
} from "@/test/support/token-attack";
import { verifyPurchaseToken } from "./purchase-token";

/**
 * Purchase tokens made up: algorithm confusion, claims edited without re-signing, truncation,
 * extra segments, huge tokens, random corruption and missing claims. Each is refused with 400
 * and nothing changes — both sales' Redis counters, holders and outbox, their sales rows and
 * their orders are compared before and after. Real tokens used wrongly are in
 * misused-tokens.test.ts.
 */

const { s: ctx, unchanged } = twoSalesWithBuyers();

describe("made-up tokens", () => {
  it("alg none, HS512 and RS256 headers, and weak secrets are all 400 invalid_token", async () => {
    const { saleA, alice } = ctx;
    const build = () =>
      purchaseClaims({
        sale: saleA,
        iss: "stampede",
        sub: alice.id,
        jti: alice.hold,
        exp: Math.ceil(alice.exp / 1000),
      });
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
    const { saleA, saleB, alice, bob } = ctx;
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
    const { alice } = ctx;
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
    const { alice } = ctx;
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
    const { alice } = ctx;
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
    const { saleA, alice } = ctx;
    const claims = { sale: saleA, iss: "stampede", sub: alice.id, jti: alice.hold, exp: "2m" };
    const signed = (c: Parameters<typeof purchaseClaims>[0]) =>
      purchaseClaims(c).setProtectedHeader({ alg: "HS256" }).sign(realKey());
    const noExp = await signed({ ...claims, exp: undefined });
    const noSale = await signed({ ...claims, sale: undefined });
    const noIssuer = await signed({ ...claims, iss: undefined });
    expect(await verifyPurchaseToken(noExp)).toEqual({ ok: false, reason: "wrong_claims" });
    expect(await verifyPurchaseToken(noSale)).toEqual({ ok: false, reason: "wrong_claims" });
    expect((await verifyPurchaseToken(noIssuer)).ok).toBe(false);
    for (const token of [noExp, noSale, noIssuer])
      expect(await attempt(alice, token)).toMatchObject({ http: 400, status: "invalid_token" });
    await unchanged();
  });
});
