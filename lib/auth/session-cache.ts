import { LRUCache } from "lru-cache";
import { hasExpired, type SessionUser } from "./session-claims";

/**
 * Sessions already read, by cookie value. In a drop, a signed-in shopper's sale panel asks for
 * its own state (`/me`) when the page opens, and then the shopper presses Buy Now, retries and
 * polls, every time with the same cookie: each read after the first is a lookup instead of a
 * decrypt. Only a cookie that decrypted to a session with an `exp` gets in, with the secret and
 * cookie name it was read with, so a rotated AUTH_SECRET or the other cookie name finds nothing.
 * A cookie has one spelling (./jwe-decrypt.ts oneSpelling), so a session is kept once.
 *
 * What is kept is what the cookie says, which does not change. Whether the session was ended
 * since is asked on every read, kept or not (./live-session.ts, whose answer is at most
 * VERSION_TTL_MS old), and an entry found ended is dropped then. An entry lives until its
 * session's `exp` (./session-claims.ts decides, on every lookup; the cache's own TTL frees it)
 * and while it is among the SESSIONS_MAX read most recently.
 */

export type KeptSession = {
  user: SessionUser;
  expS: number;
  name: string;
  secret: string;
  /** The MAC of the lane ticket the browser holds for this session, as far as we know. */
  ticketMac: string | undefined;
};

/**
 * 100,000: about twice as many shoppers as one instance answers in a drop (bench/README.md), so
 * every shopper whose sale panel read /me still finds the session kept at the press. About
 * 850 bytes each (a 521-character cookie with a name and an email, and a ticket's MAC), so at
 * most about 85 MB.
 */
export const SESSIONS_MAX = 100_000;

/**
 * On globalThis: Next.js may load this module once per route bundle, and the route handlers and
 * the metrics (lib/metrics/registry.ts) must share one cache.
 */
const g = globalThis as unknown as { __stampedeSessionCache?: LRUCache<string, KeptSession> };
const cache = (g.__stampedeSessionCache ??= new LRUCache<string, KeptSession>({
  max: SESSIONS_MAX,
}));

/**
 * The kept session for this cookie: its entry, null when it has expired (and is forgotten), or
 * undefined when none is kept under this cookie name and secret.
 */
export function keptSession(
  value: string,
  name: string,
  secret: string,
  now: number,
): KeptSession | null | undefined {
  const kept = cache.get(value);
  if (!kept || kept.name !== name || kept.secret !== secret) return undefined;
  if (!hasExpired(kept.expS, now)) return kept;
  cache.delete(value);
  return null;
}

export function keepSession(value: string, entry: KeptSession, now: number): void {
  const ttl = entry.expS * 1000 - now;
  if (ttl <= 0) return;
  // A copy of the value alone: a parsed cookie is a slice that keeps the whole Cookie header.
  cache.set(Buffer.from(value, "latin1").toString("latin1"), entry, { ttl });
}

export function forgetSession(value: string): void {
  cache.delete(value);
}

export const keptSessions = (): number => cache.size;
