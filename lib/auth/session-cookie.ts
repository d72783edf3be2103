import {
  createDecipheriv,
  createSecretKey,
  hkdfSync,
  timingSafeEqual,
  type Decipher,
  type KeyObject,
} from "node:crypto";
import type { Role } from "@/db/schema";
import { SPARE_2_ZERO, SPARE_4_ZERO } from "@/lib/crypto/base64url";
import { HmacKey } from "@/lib/crypto/hmac";
import { env } from "@/lib/env";
import {
  issueTicket,
  ticketCookieName,
  ticketMac,
  ticketSetCookie,
  userFromTicket,
} from "./lane-ticket";

/**
 * Reads the Auth.js session straight from the request's cookie (the same encrypted JWT,
 * decoded with the same secret and salt), without Next.js request machinery: the hot routes
 * use it in route handlers and in the fast-lane server alike.
 */

/**
 * `sv`: the session's version. A read here says the cookie is authentic and unexpired; whether the
 * session has since been ended is lib/auth/live-session.ts's question (it asks Redis).
 */
export type SessionUser = { id: string; role: Role; sv: number };

const NAMES = ["__Secure-authjs.session-token", "authjs.session-token"] as const;

export function parseCookies(header: string | null | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i <= 0) continue;
    const name = part.slice(0, i).trim();
    if (!out.has(name)) out.set(name, part.slice(i + 1).trim());
  }
  return out;
}

/** The cookie's value, joining Auth.js's chunks (`name.0`, `name.1`, …) when it was split. */
function sessionCookie(cookies: Map<string, string>): { name: string; value: string } | null {
  for (const name of NAMES) {
    const whole = cookies.get(name);
    if (whole) return { name, value: whole };
    const chunks: string[] = [];
    for (let i = 0; cookies.has(`${name}.${i}`); i++) chunks.push(cookies.get(`${name}.${i}`)!);
    if (chunks.length) return { name, value: chunks.join("") };
  }
  return null;
}

/**
 * What decrypting one `enc` needs, prepared once per secret and salt. Auth.js's own decode
 * derives the key with HKDF on every call; so did ours at first, and it was most of Buy Now's
 * cost. On the CBC path, the one Auth.js uses, even the decipher is made once (see
 * decryptCbcHs512).
 */
type Keys =
  { enc: "A256CBC-HS512"; mac: HmacKey; blocks: Decipher } | { enc: "A256GCM"; aes: KeyObject };
const derived = new Map<string, Keys>();
function encryptionKeys(enc: string, secret: string, salt: string): Keys | null {
  if (enc !== "A256CBC-HS512" && enc !== "A256GCM") return null;
  const id = `${enc}\0${salt}\0${secret}`;
  let keys = derived.get(id);
  if (!keys) {
    const key = Buffer.from(
      hkdfSync(
        "sha256",
        secret,
        salt,
        `Auth.js Generated Encryption Key (${salt})`,
        enc === "A256GCM" ? 32 : 64,
      ),
    );
    if (enc === "A256GCM") keys = { enc, aes: createSecretKey(key) };
    else {
      // RFC 7518 §5.2.2.1: the first half of the key is the MAC key, the second the AES key.
      // AES-256 applied block by block, no chaining and no padding: decryptCbcHs512 chains.
      const blocks = createDecipheriv("aes-256-ecb", key.subarray(32), null);
      blocks.setAutoPadding(false);
      keys = { enc, mac: new HmacKey("sha512", key.subarray(0, 32)), blocks };
    }
    derived.set(id, keys);
  }
  return keys;
}

/**
 * A256CBC-HS512 (RFC 7518 §5.2.2.2) without a crypto object per call. createDecipheriv builds a
 * stream object around a native handle and sets up the key, and createHmac looks its digest up
 * again: so the parts are decoded straight into the key's HMAC buffer (lib/crypto/hmac.ts), and
 * - the tag (HMAC-SHA-512 over AAD ‖ IV ‖ ciphertext ‖ AAD length) is checked first, in
 *   constant time;
 * - only then, CBC decryption (NIST SP 800-38A §6.2): one AES-256-ECB decipher, kept for the
 *   key, turns every block back, and each is XORed with the ciphertext block before it (the
 *   IV for the first). ECB with padding off holds no state between calls as long as every input
 *   is whole blocks, which is checked first, from the parts' lengths;
 * - the PKCS #7 padding is checked and removed. Its check can tell nobody anything: the
 *   ciphertext is authentic by then.
 * The parts have passed oneSpelling, so their decoded lengths follow from their lengths.
 * session-cookie.test.ts holds the result to jose and Auth.js at every padding length.
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

type JweHeader = { alg?: unknown; enc?: unknown; zip?: unknown; crit?: unknown };
/**
 * Protected headers already read. Every cookie Auth.js makes with one configuration has the
 * same header, so this stays tiny; a flood of made-up headers cannot grow it past HEADERS_MAX.
 */
const headers = new Map<string, JweHeader | null>();
const HEADERS_MAX = 64;
function protectedHeader(h: string): JweHeader | null {
  let header = headers.get(h);
  if (header !== undefined) return header;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(h, "base64url").toString("utf8"));
    header = typeof parsed === "object" && parsed !== null ? (parsed as JweHeader) : null;
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
 * that spelling is accepted, so one cookie has one spelling: a session cannot be kept (below)
 * under dozens of keys. The header needs no check: its exact characters are authenticated.
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
const CLOCK_TOLERANCE_S = 15;
/** Longer than any session Auth.js writes (it splits cookies past 4 KB into chunks). */
const MAX_SESSION_CHARS = 8192;

/**
 * Decrypts Auth.js's session JWT: compact JWE, `alg: dir`, `enc` A256CBC-HS512 (Auth.js's
 * choice) or A256GCM (RFC 7516, RFC 7518 §5.2 and §5.3), with node:crypto's synchronous
 * primitives. jose's jwtDecrypt goes through WebCrypto — a key import and two thread-pool hops
 * per call, about 0.4 ms on this machine — which made the session most of Buy Now's cost.
 * Integrity first (the tag, in constant time), then the plaintext; jose's claim checks kept
 * (exp / nbf with 15 s tolerance). Returns null for anything that is not a valid session.
 * session-cookie.test.ts checks it against jose and Auth.js's own encode, tampering included.
 */
export function decryptSession(
  token: string,
  secret: string,
  salt: string,
  now = Date.now(),
): Record<string, unknown> | null {
  // Compact JWE with `alg: dir`: five base64url parts, the encrypted key empty.
  if (token.length > MAX_SESSION_CHARS) return null;
  const parts = COMPACT_DIR_JWE.exec(token);
  if (!parts) return null;
  const [, h, ivPart, ctPart, tagPart] = parts as unknown as [
    string,
    string,
    string,
    string,
    string,
  ];
  const header = protectedHeader(h);
  if (!header) return null;
  if (header.alg !== "dir" || header.zip !== undefined || header.crit !== undefined) return null;
  const keys = encryptionKeys(String(header.enc), secret, salt);
  if (!keys) return null;
  if (!oneSpelling(ivPart) || !oneSpelling(ctPart) || !oneSpelling(tagPart)) return null;
  let plaintext: Buffer;
  if (keys.enc === "A256CBC-HS512") {
    const plain = decryptCbcHs512(keys, h, ivPart, ctPart, tagPart);
    if (!plain) return null;
    plaintext = plain;
  } else
    try {
      const iv = Buffer.from(ivPart, "base64url");
      const ct = Buffer.from(ctPart, "base64url");
      const tag = Buffer.from(tagPart, "base64url");
      if (iv.length !== 12 || tag.length !== 16) return null;
      const d = createDecipheriv("aes-256-gcm", keys.aes, iv, { authTagLength: 16 });
      d.setAAD(Buffer.from(h, "latin1"));
      d.setAuthTag(tag);
      plaintext = Buffer.concat([d.update(ct), d.final()]);
    } catch {
      return null; // a GCM tag that does not match
    }
  let payload: unknown;
  try {
    payload = JSON.parse(plaintext.toString("utf8"));
  } catch {
    return null;
  }
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return null;
  const { exp, nbf } = payload as { exp?: unknown; nbf?: unknown };
  const nowS = now / 1000;
  if (exp !== undefined && (typeof exp !== "number" || exp <= nowS - CLOCK_TOLERANCE_S))
    return null;
  if (nbf !== undefined && (typeof nbf !== "number" || nbf > nowS + CLOCK_TOLERANCE_S)) return null;
  return payload as Record<string, unknown>;
}

/**
 * Sessions already read, by cookie value. In a drop, a signed-in shopper's sale panel asks for
 * its own state (`/me`) when the page opens, and then the shopper presses Buy Now, retries and
 * polls, every time with the same cookie: each read after the first is a lookup instead of a
 * decrypt. Only a cookie that decrypted to a session gets in, with the secret and cookie name
 * it was read with; the entry is dropped once its `exp` has passed. A cookie has one spelling
 * (see oneSpelling), so a session is kept once. What is kept is what the cookie says, which does
 * not change; whether the session was ended since is asked on every read by live-session.ts. A
 * session without `exp` is never kept.
 *
 * Bounded by two generations of SESSIONS_MAX / 2: when the young one is full it becomes the old
 * one, and the old one is dropped whole, so the last SESSIONS_MAX / 2 sessions read are always
 * kept, and at most SESSIONS_MAX. A session found in the old generation moves to the young
 * one, so shoppers still pressing outlive the turnover. Not a FIFO on one Map: dropping
 * its first entry means walking past every entry deleted before it (V8 keeps deleted slots
 * until the table is rebuilt), which measured 13–48 µs per new session once the Map was full,
 * against 0.3 µs here.
 */
type Seen = {
  user: SessionUser;
  expMs: number;
  name: string;
  secret: string;
  /** The MAC of the lane ticket the browser holds for this session, as far as we know. */
  ticketMac?: string;
};
/**
 * 100,000: a process keeps at least the last 50,000 sessions read, about as many shoppers as one
 * instance answers in a drop (bench/README.md), so every shopper whose sale panel read /me still
 * finds the session kept at the press. About 840 bytes each: 50,000 kept sessions of 521-character
 * cookies with a name and an email measured 839 bytes of heap apiece, 73 of them for the lane
 * ticket's MAC (the same count without it: 766; session 6's 648 let the cookies themselves be
 * collected while it measured). So at most about 85 MB.
 */
export const SESSIONS_MAX = 100_000;
/**
 * On globalThis: Next.js may load this module once per route bundle, and the route handlers
 * and the metrics (lib/metrics/registry.ts) must share one store.
 */
type Store = {
  young: Map<string, Seen>;
  old: Map<string, Seen>;
  /**
   * Sessions decrypted; cookies refused (forged, expired, another secret); sessions kept;
   * sessions vouched for by a lane ticket (./lane-ticket.ts).
   */
  decrypted: number;
  refused: number;
  remembered: number;
  ticketed: number;
};
const g = globalThis as unknown as { __stampedeSessions?: Store };
const store: Store = (g.__stampedeSessions ??= {
  young: new Map(),
  old: new Map(),
  decrypted: 0,
  refused: 0,
  remembered: 0,
  ticketed: 0,
});
store.ticketed ??= 0; // a store made by an older build of this module (next dev reloads)
/** How session cookies were read, and how many sessions are kept (for metrics and tests). */
export const sessionReads = {
  get decrypted() {
    return store.decrypted;
  },
  get refused() {
    return store.refused;
  },
  get remembered() {
    return store.remembered;
  },
  get ticketed() {
    return store.ticketed;
  },
  get kept() {
    return store.young.size + store.old.size;
  },
};

/**
 * The kept session for this cookie: its entry, null when it has expired (and is forgotten), or
 * undefined when none was kept under this cookie name and secret. A session found in the old
 * generation moves to the young one.
 */
function keptSession(
  value: string,
  name: string,
  secret: string,
  now: number,
): Seen | null | undefined {
  let known = store.young.get(value);
  const inOld = !known;
  if (inOld) known = store.old.get(value);
  if (!known || known.name !== name || known.secret !== secret) return undefined;
  if (known.expMs < now) {
    store.young.delete(value);
    store.old.delete(value);
    return null;
  }
  if (inOld) {
    store.old.delete(value);
    keep(value, known);
  }
  return known;
}

function keep(value: string, entry: Seen): void {
  if (store.young.size >= SESSIONS_MAX / 2) {
    store.old = store.young;
    store.young = new Map();
  }
  store.young.set(value, entry);
}

/**
 * A session read: its user and, when a ticket was asked for and none valid came with the
 * session, the Set-Cookie value of a fresh one for the answer to carry.
 */
export type SessionRead = { user: SessionUser; setCookie?: string };

/**
 * Who sent this Cookie header, cheapest first: a session kept from an earlier read (a lookup),
 * a lane ticket that fits the session cookie (one HMAC), or the session decrypted. Null when
 * there is no valid session: a ticket never stands in for a missing one.
 *
 * `sendTicket`: the sale panel's `/me` asks for one. It is the read a browser makes when the
 * page opens and when the tab regains focus, the moments Auth.js rewrites its session cookie
 * (`/api/auth/session`), so its presses, retries and checkout that follow carry a ticket that
 * fits. Presses do not hand tickets out: a client that never reads `/me` (a script) sends no
 * ticket back anyway, and would only pay for one it drops.
 */
export function readSession(
  header: string | null | undefined,
  sendTicket = false,
): SessionRead | null {
  const cookies = parseCookies(header);
  const cookie = sessionCookie(cookies);
  if (!cookie || cookie.value.length > MAX_SESSION_CHARS) return null;
  const secret = env().AUTH_SECRET;
  const now = Date.now();
  const ticket = cookies.get(ticketCookieName(cookie.name));
  // A kept session first: a lookup is cheaper than a ticket's HMAC.
  const kept = keptSession(cookie.value, cookie.name, secret, now);
  if (kept !== undefined) {
    if (!kept) {
      store.refused++;
      return null;
    }
    store.remembered++;
    if (!sendTicket || (kept.ticketMac !== undefined && ticket?.endsWith(kept.ticketMac)))
      return { user: kept.user }; // the browser has the ticket this process made for it
    // Whether to send a ticket is all that is left to decide (the user comes from the kept
    // session): not when the browser has a valid one, made by another instance.
    if (
      ticket !== undefined &&
      userFromTicket(ticket, cookie.name, cookie.value, secret, now)?.id === kept.user.id
    ) {
      kept.ticketMac = ticketMac(ticket);
      return { user: kept.user };
    }
    return withFreshTicket(kept, cookie, secret, now);
  }
  if (ticket !== undefined) {
    const ticketed = userFromTicket(ticket, cookie.name, cookie.value, secret, now);
    if (ticketed) {
      store.ticketed++;
      return { user: { id: ticketed.id, role: ticketed.role, sv: ticketed.sv ?? 0 } };
    }
  }
  // null: tampered, expired or sealed with another secret
  const payload = decryptSession(cookie.value, secret, cookie.name, now);
  if (
    !payload ||
    typeof payload.sub !== "string" ||
    (typeof payload.exp === "number" && payload.exp * 1000 < now)
  ) {
    store.refused++;
    return null;
  }
  store.decrypted++;
  const user: SessionUser = Object.freeze({
    id: payload.sub,
    role: payload.role === "merchant" ? "merchant" : "shopper",
    sv: typeof payload.sv === "number" ? payload.sv : 0,
  });
  if (typeof payload.exp !== "number") return { user }; // never kept, and no ticket
  // A copy of the value alone: the parsed value is a slice that keeps the whole Cookie header.
  const value = Buffer.from(cookie.value, "latin1").toString("latin1");
  const seen: Seen = {
    user,
    expMs: payload.exp * 1000,
    name: cookie.name,
    secret,
    ticketMac: undefined, // set below: one shape for every entry
  };
  keep(value, seen);
  return sendTicket ? withFreshTicket(seen, cookie, secret, now) : { user };
}

/**
 * The read of a kept session, with a fresh lane ticket for it (its MAC noted on the entry, so the
 * browser sending it back costs no new one).
 */
function withFreshTicket(
  seen: Seen,
  cookie: { name: string; value: string },
  secret: string,
  now: number,
): SessionRead {
  const ticket = issueTicket(seen.user, cookie.name, cookie.value, secret, seen.expMs / 1000, now);
  if (!ticket) return { user: seen.user };
  seen.ticketMac = ticket.mac;
  return { user: seen.user, setCookie: ticketSetCookie(cookie.name, ticket) };
}

/** The user of readSession. */
export function userFromCookieHeader(header: string | null | undefined): SessionUser | null {
  return readSession(header)?.user ?? null;
}
