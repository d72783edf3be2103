import {
  createDecipheriv,
  createSecretKey,
  hkdfSync,
  timingSafeEqual,
  type Decipher,
  type KeyObject,
} from "node:crypto";
import { SPARE_2_ZERO, SPARE_4_ZERO } from "@/lib/crypto/base64url";
import { HmacKey } from "@/lib/crypto/hmac";
import { MAX_SESSION_CHARS } from "./cookie-header";

/**
 * The hand-written decrypt of Auth.js's session JWT (SESSION_DECODER=hand): compact JWE,
 * `alg: dir`, `enc` A256CBC-HS512 (Auth.js's choice) or A256GCM (RFC 7516, RFC 7518 §5.2 and
 * §5.3), with node:crypto's synchronous primitives and keys derived once per secret and salt.
 * next-auth/jwt's decode goes through jose and WebCrypto: an HKDF, a key import and thread-pool
 * hops per call. Integrity first (the tag, in constant time), then the plaintext. The claims'
 * times are not checked here but in ./session-claims.ts, for both decoders.
 * jwe-decrypt.test.ts holds it to jose and Auth.js, tampering included.
 */

type Claims = Record<string, unknown>;

/**
 * What decrypting one `enc` needs, prepared once per secret and salt. On the CBC path even the
 * decipher is made once (see decryptCbcHs512).
 */
type Keys =
  { enc: "A256CBC-HS512"; mac: HmacKey; blocks: Decipher } | { enc: "A256GCM"; aes: KeyObject };
const derived = new Map<string, Keys>();
/** A few secrets and both cookie names in practice; a flood of secrets cannot reach here. */
const DERIVED_MAX = 16;

function encryptionKeys(enc: unknown, secret: string, salt: string): Keys | null {
  if (enc !== "A256CBC-HS512" && enc !== "A256GCM") return null;
  const id = `${enc}\0${salt}\0${secret}`;
  let keys = derived.get(id);
  if (!keys) {
    const info = `Auth.js Generated Encryption Key (${salt})`;
    const key = Buffer.from(hkdfSync("sha256", secret, salt, info, enc === "A256GCM" ? 32 : 64));
    if (enc === "A256GCM") keys = { enc, aes: createSecretKey(key) };
    else {
      // RFC 7518 §5.2.2.1: the first half of the key is the MAC key, the second the AES key.
      // AES-256 applied block by block, no chaining and no padding: decryptCbcHs512 chains.
      const blocks = createDecipheriv("aes-256-ecb", key.subarray(32), null);
      blocks.setAutoPadding(false);
      keys = { enc, mac: new HmacKey("sha512", key.subarray(0, 32)), blocks };
    }
    if (derived.size >= DERIVED_MAX) derived.clear();
    derived.set(id, keys);
  }
  return keys;
}

/**
 * A256CBC-HS512 (RFC 7518 §5.2.2.2) without a crypto object per call. The parts are decoded
 * straight into the key's HMAC buffer (lib/crypto/hmac.ts), and
 * - the tag (HMAC-SHA-512 over AAD ‖ IV ‖ ciphertext ‖ AAD length) is checked first, in
 *   constant time;
 * - only then, CBC decryption (NIST SP 800-38A §6.2): one AES-256-ECB decipher, kept for the
 *   key, turns every block back, and each is XORed with the ciphertext block before it (the
 *   IV for the first). ECB with padding off holds no state between calls as long as every input
 *   is whole blocks, which is checked first, from the parts' lengths;
 * - the PKCS #7 padding is checked and removed. Its check can tell nobody anything: the
 *   ciphertext is authentic by then.
 * The parts have passed oneSpelling, so their decoded lengths follow from their lengths.
 */
function decryptCbcHs512(
  keys: Extract<Keys, { enc: "A256CBC-HS512" }>,
  h: string,
  ivPart: string,
  ctPart: string,
  tagPart: string,
): Buffer | null {
  // 16 bytes are 22 base64url characters, 32 are 43; the ciphertext is whole 16-byte blocks.
  const ctLength = (ctPart.length * 3) >> 2;
  if (ivPart.length !== 22 || tagPart.length !== 43 || ctLength === 0 || ctLength % 16 !== 0)
    return null;
  const m = keys.mac.into(h.length + 16 + ctLength + 8);
  let end = m.write(h, 0, "latin1"); // the AAD: the header's ASCII characters
  const ivAt = end;
  end += m.write(ivPart, end, "base64url");
  const ctAt = end;
  end += m.write(ctPart, end, "base64url");
  if (end - ivAt !== 16 + ctLength) return null; // cannot happen after the checks above
  m.writeUInt32BE(0, end); // AAD length in bits, 64-bit big-endian
  m.writeUInt32BE(h.length * 8, end + 4);
  end += 8;
  const tag = Buffer.from(tagPart, "base64url");
  if (tag.length !== 32 || !timingSafeEqual(keys.mac.of(end).subarray(0, 32), tag)) return null;
  let plain: Buffer;
  try {
    plain = keys.blocks.update(m.subarray(ctAt, ctAt + ctLength));
  } catch {
    return null;
  }
  if (plain.length !== ctLength) return null; // cannot happen with whole blocks; never mis-chain
  for (let i = 0; i < 16; i++) plain[i]! ^= m[ivAt + i]!;
  for (let i = 16; i < plain.length; i++) plain[i]! ^= m[ctAt + i - 16]!;
  const pad = plain[plain.length - 1]!;
  if (pad < 1 || pad > 16) return null;
  for (let i = plain.length - pad; i < plain.length; i++) if (plain[i] !== pad) return null;
  return plain.subarray(0, plain.length - pad);
}

function decryptGcm(
  keys: Extract<Keys, { enc: "A256GCM" }>,
  h: string,
  ivPart: string,
  ctPart: string,
  tagPart: string,
): Buffer | null {
  const iv = Buffer.from(ivPart, "base64url");
  const ct = Buffer.from(ctPart, "base64url");
  const tag = Buffer.from(tagPart, "base64url");
  if (iv.length !== 12 || tag.length !== 16) return null;
  try {
    const d = createDecipheriv("aes-256-gcm", keys.aes, iv, { authTagLength: 16 });
    d.setAAD(Buffer.from(h, "latin1"));
    d.setAuthTag(tag);
    return Buffer.concat([d.update(ct), d.final()]);
  } catch {
    return null; // a GCM tag that does not match
  }
}

const isObject = (v: unknown): v is Claims =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Protected headers already read. Every cookie Auth.js makes with one configuration has the
 * same header, so this stays tiny; a flood of made-up headers cannot grow it past HEADERS_MAX.
 */
const headers = new Map<string, Claims | null>();
const HEADERS_MAX = 64;
function protectedHeader(h: string): Claims | null {
  let header = headers.get(h);
  if (header !== undefined) return header;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(h, "base64url").toString("utf8"));
    header = isObject(parsed) ? parsed : null;
  } catch {
    header = null;
  }
  if (headers.size < HEADERS_MAX) headers.set(h, header);
  return header;
}

const COMPACT_DIR_JWE = /^([\w-]*)\.\.([\w-]*)\.([\w-]*)\.([\w-]*)$/;

/**
 * Base64url without padding: when a part's length is not a multiple of 4, its last character
 * has spare bits, which decoders ignore and encoders (Auth.js's among them) write as zeros. Only
 * that spelling is accepted, so one cookie has one spelling: a session cannot be kept
 * (./session-cache.ts) under dozens of keys. The header needs no check: its exact characters
 * are authenticated.
 */
function oneSpelling(part: string): boolean {
  const last = part[part.length - 1]!;
  switch (part.length % 4) {
    case 0:
      return true;
    case 2:
      return SPARE_4_ZERO.includes(last);
    case 3:
      return SPARE_2_ZERO.includes(last);
    default:
      return false; // no byte string encodes to this length
  }
}

/** The claims of an authentic session JWT sealed with `secret` under `salt`; null otherwise. */
export function decryptSession(token: string, secret: string, salt: string): Claims | null {
  // Compact JWE with `alg: dir`: five base64url parts, the encrypted key empty.
  if (token.length > MAX_SESSION_CHARS) return null;
  const match = COMPACT_DIR_JWE.exec(token);
  if (!match) return null;
  const [, h = "", ...parts] = match;
  const header = protectedHeader(h);
  if (!header || header.alg !== "dir" || header.zip !== undefined || header.crit !== undefined)
    return null;
  const keys = encryptionKeys(header.enc, secret, salt);
  if (!keys || !parts.every(oneSpelling)) return null;
  const [ivPart = "", ctPart = "", tagPart = ""] = parts;
  const plaintext =
    keys.enc === "A256CBC-HS512"
      ? decryptCbcHs512(keys, h, ivPart, ctPart, tagPart)
      : decryptGcm(keys, h, ivPart, ctPart, tagPart);
  if (!plaintext) return null;
  try {
    const claims: unknown = JSON.parse(plaintext.toString("utf8"));
    return isObject(claims) ? claims : null;
  } catch {
    return null;
  }
}
