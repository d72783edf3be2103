import { createCipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";
import { base64url } from "jose";
import { encode } from "next-auth/jwt";
import { env } from "@/lib/env";
import { readSession } from "@/lib/auth/session-cookie";

/**
 * Session cookies for the session-read tests: sealed by Auth.js's own encode, or by hand (to
 * seal whatever bytes a test needs under a correct tag).
 */

export const SALT = "authjs.session-token";
export const secret = () => env().AUTH_SECRET;

/** A session cookie value exactly as Auth.js writes it. */
export const seal = (token: Record<string, unknown>, maxAge?: number, s = secret(), salt = SALT) =>
  encode({ token, secret: s, salt, maxAge });

/** Auth.js's content-encryption key for `enc`. */
export const key = (enc: "A256CBC-HS512" | "A256GCM", s = secret(), salt = SALT) =>
  new Uint8Array(
    hkdfSync(
      "sha256",
      s,
      salt,
      `Auth.js Generated Encryption Key (${salt})`,
      enc === "A256GCM" ? 32 : 64,
    ),
  );

export const CBC_HEADER = base64url.encode(JSON.stringify({ alg: "dir", enc: "A256CBC-HS512" }));

/** The compact JWE of these parts, with the tag computed over them, whatever they are. */
export function sealedAs(h: string, iv: Buffer, ct: Buffer, s = secret()): string {
  const k = Buffer.from(key("A256CBC-HS512", s));
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

/**
 * Seals bytes as Auth.js seals a session (A256CBC-HS512, `alg: dir`), synchronously, with a
 * correct tag over whatever the ciphertext is: `pad: false` seals whole blocks exactly as given.
 */
export function sealCbc(plain: Buffer, { pad = true, s = secret() } = {}): string {
  const k = Buffer.from(key("A256CBC-HS512", s));
  const iv = randomBytes(16);
  const c = createCipheriv("aes-256-cbc", k.subarray(32), iv);
  c.setAutoPadding(pad);
  const ct = Buffer.concat([c.update(plain), c.final()]);
  return sealedAs(CBC_HEADER, iv, ct, s);
}

/** Claims sealed synchronously (no `exp` unless given). */
export const sealNow = (claims: Record<string, unknown>) =>
  sealCbc(Buffer.from(JSON.stringify(claims)));

export const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

/** The user a Cookie header reads as (no ticket asked for), with the configured crypto. */
export const userOf = async (header: string | null | undefined) =>
  (await readSession(header))?.user ?? null;
