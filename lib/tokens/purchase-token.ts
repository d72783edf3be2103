import { createHmac, createSecretKey, type KeyObject } from "node:crypto";
import { errors, jwtVerify } from "jose";
import { MAC_32_PATTERN } from "@/lib/crypto/base64url";
import { env } from "@/lib/env";

/**
 * Purchase tokens: compact HS256 JWTs with `sub` the shopper, `sale` the sale, `jti` the hold id
 * and `exp` the hold's expiry. No `iat`, so signing the same hold twice gives the same token:
 * a shopper who asks again gets the very token they already have.
 * A valid signature is not enough to buy: checkout also needs the hold to be live in Redis,
 * which is what makes a token single-use.
 */

export type PurchaseClaims = { userId: string; saleId: string; holdId: string; expiresAt: number };

export type VerifyResult =
  | { ok: true; claims: PurchaseClaims }
  | { ok: false; reason: "malformed" | "bad_signature" | "expired" | "wrong_claims" };

const ISSUER = "stampede";
/**
 * Three base64url segments, the last an HS256 signature (32 bytes: 43 characters, the last one
 * with its two spare bits zero). The decoder forgives padding, whitespace and spare bits, so
 * without this one token would have many spellings that all verify.
 */
const COMPACT_HS256 = new RegExp(`^[\\w-]+\\.[\\w-]+\\.${MAC_32_PATTERN}$`);
/** The HMAC key, imported once per secret (jose would import a raw secret on every call). */
const keys = new Map<string, Promise<CryptoKey>>();
const key = (secret: Uint8Array | string = env().TOKEN_SECRET): Promise<CryptoKey> => {
  const raw = typeof secret === "string" ? new TextEncoder().encode(secret) : secret;
  const id = Buffer.from(raw).toString("base64");
  let k = keys.get(id);
  if (!k) {
    k = crypto.subtle.importKey(
      "raw",
      new Uint8Array(raw),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
    keys.set(id, k);
  }
  return k;
};

/** Signing keys as key objects, made once per secret. */
const signingKeys = new Map<string, KeyObject>();
function signingKey(secret: Uint8Array | string): KeyObject {
  const id = typeof secret === "string" ? secret : Buffer.from(secret).toString("base64");
  let k = signingKeys.get(id);
  if (!k) {
    k = createSecretKey(typeof secret === "string" ? Buffer.from(secret) : secret);
    signingKeys.set(id, k);
  }
  return k;
}

/** The encoded header every purchase token carries: {"alg":"HS256","typ":"JWT"}. */
const HEADER = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");

/**
 * Signs with node:crypto's synchronous HMAC: jose's SignJWT goes through WebCrypto (a
 * thread-pool hop, an order of magnitude slower), and Buy Now signs one token per secured
 * shopper. The bytes are exactly what SignJWT makes (same header, same claim order), and
 * verification stays with jose; purchase-token.test.ts checks both.
 */
export function signPurchaseToken(c: PurchaseClaims, secret?: Uint8Array): string {
  const payload = {
    sale: c.saleId,
    iss: ISSUER,
    sub: c.userId,
    jti: c.holdId,
    exp: Math.ceil(c.expiresAt / 1000),
  };
  const input = `${HEADER}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}`;
  const mac = createHmac("sha256", signingKey(secret ?? env().TOKEN_SECRET))
    .update(input)
    .digest("base64url");
  return `${input}.${mac}`;
}

export async function verifyPurchaseToken(
  token: unknown,
  secret?: Uint8Array,
): Promise<VerifyResult> {
  if (typeof token !== "string" || token.length > 2048 || !COMPACT_HS256.test(token))
    return { ok: false, reason: "malformed" };
  try {
    const { payload } = await jwtVerify(token, await key(secret), {
      algorithms: ["HS256"],
      issuer: ISSUER,
      clockTolerance: 0,
    });
    const { sub, jti, exp, sale } = payload;
    if (
      typeof sub !== "string" ||
      typeof jti !== "string" ||
      typeof sale !== "string" ||
      typeof exp !== "number"
    ) {
      return { ok: false, reason: "wrong_claims" };
    }
    return { ok: true, claims: { userId: sub, saleId: sale, holdId: jti, expiresAt: exp * 1000 } };
  } catch (error) {
    if (error instanceof errors.JWTExpired) return { ok: false, reason: "expired" };
    if (error instanceof errors.JWSSignatureVerificationFailed)
      return { ok: false, reason: "bad_signature" };
    if (error instanceof errors.JWTClaimValidationFailed)
      return { ok: false, reason: "wrong_claims" };
    return { ok: false, reason: "malformed" };
  }
}
