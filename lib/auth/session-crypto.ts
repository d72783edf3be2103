import { createHmac, hkdfSync } from "node:crypto";
import { decode } from "next-auth/jwt";
import { HmacKey } from "@/lib/crypto/hmac";
import { env } from "@/lib/env";
import { decryptSession } from "./jwe-decrypt";

/**
 * The session read's two pieces of crypto, done two ways behind the same cache
 * (./session-cache.ts), chosen by SESSION_DECODER so the herd can measure one against the other:
 * - `hand`: the session decrypted by ./jwe-decrypt.ts and lane tickets MACed by
 *   lib/crypto/hmac.ts, synchronous, with keys prepared once per secret;
 * - `library`: next-auth/jwt's own decode (salt = cookie name, secret = AUTH_SECRET), and
 *   node:crypto's createHmac.
 * Both answer the same (session-crypto.test.ts); the claims' times are checked by
 * ./session-claims.ts after either. `hand` is the default because the herd measured the
 * difference far above 5 % (bench/results/2026-12-02-session-decoding.md: 25,000 shoppers all
 * answered within 3 s against 11 % with `library`). The lane tickets' HMAC was not measured
 * apart in the herd; it stays hand-written with the decrypt it shares a switch with.
 */

export type SessionClaims = Record<string, unknown>;
export type SessionDecoder = "hand" | "library";

export type SessionCrypto = {
  /** The claims of an authentic session JWT sealed with `secret` under `salt`; null otherwise. */
  decrypt(
    token: string,
    secret: string,
    salt: string,
  ): SessionClaims | null | Promise<SessionClaims | null>;
  /** A lane ticket's MAC (HMAC-SHA-256, its own key from `secret`) over `<name>|<tag>|<body>`. */
  ticketMac(secret: string, name: string, tag: string, body: string): Buffer;
};

const TICKET_KEYS_MAX = 8; // one secret in practice; a few in tests

/** The lane tickets' key: HKDF from AUTH_SECRET, so a ticket's MAC is no session's key. */
const ticketKey = (secret: string): Uint8Array =>
  new Uint8Array(hkdfSync("sha256", secret, "stampede.lane", "Stampede lane ticket", 32));

/** One value per secret, made once: keys are derived on first use, not per request. */
function perSecret<T>(make: (secret: string) => T): (secret: string) => T {
  const kept = new Map<string, T>();
  return (secret) => {
    let value = kept.get(secret);
    if (value === undefined) {
      value = make(secret);
      if (kept.size >= TICKET_KEYS_MAX) kept.clear();
      kept.set(secret, value);
    }
    return value;
  };
}

const handTicketKey = perSecret((secret) => new HmacKey("sha256", ticketKey(secret)));
const libraryTicketKey = perSecret(ticketKey);

const hand: SessionCrypto = {
  decrypt: decryptSession,
  ticketMac(secret, name, tag, body) {
    // Written straight into the key's buffer: no message string, no HMAC object.
    const key = handTicketKey(secret);
    const m = key.into(name.length + tag.length + body.length + 2);
    let n = m.write(name, 0, "latin1");
    m[n++] = 0x7c;
    n += m.write(tag, n, "latin1");
    m[n++] = 0x7c;
    n += m.write(body, n, "latin1");
    return key.of(n);
  },
};

const library: SessionCrypto = {
  async decrypt(token, secret, salt) {
    try {
      return await decode({ token, secret, salt });
    } catch {
      return null; // forged, another secret, expired by jose's own reckoning
    }
  },
  ticketMac: (secret, name, tag, body) =>
    createHmac("sha256", libraryTicketKey(secret))
      .update(`${name}|${tag}|${body}`, "latin1")
      .digest(),
};

export const SESSION_CRYPTO: Readonly<Record<SessionDecoder, SessionCrypto>> = { hand, library };

/** The crypto SESSION_DECODER names. */
export const configuredCrypto = (): SessionCrypto => SESSION_CRYPTO[env().SESSION_DECODER];
