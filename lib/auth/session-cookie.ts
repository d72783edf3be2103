import { env } from "@/lib/env";
import { parseCookies, sessionCookie, type SessionCookie } from "./cookie-header";
import {
  issueTicket,
  ticketCookieName,
  ticketMac,
  ticketSetCookie,
  userFromTicket,
} from "./lane-ticket";
import { sessionFromClaims, type SessionUser } from "./session-claims";
import { forgetSession, keepSession, keptSession, type KeptSession } from "./session-cache";
import { configuredCrypto, type SessionCrypto } from "./session-crypto";
import { countRead } from "./session-reads";

/**
 * Reads the Auth.js session straight from the request's Cookie header (the same encrypted JWT,
 * read with the same secret and salt), without Next.js request machinery: the hot routes use it
 * in route handlers and in the fast-lane server alike. The pieces: ./cookie-header.ts finds the
 * cookie, ./session-cache.ts keeps sessions read, ./lane-ticket.ts vouches for them cheaply,
 * ./session-crypto.ts decrypts, ./session-claims.ts says what the claims grant and until when,
 * ./session-reads.ts counts.
 */

/**
 * A session read: its user and, when a ticket was asked for and none valid came with the
 * session, the Set-Cookie value of a fresh one for the answer to carry.
 */
export type SessionRead = { user: SessionUser; setCookie?: string };

/** The secret and the crypto a read uses: AUTH_SECRET and SESSION_DECODER's, unless given. */
export type SessionKeys = { secret: string; crypto: SessionCrypto };
const configuredKeys = (): SessionKeys => ({
  secret: env().AUTH_SECRET,
  crypto: configuredCrypto(),
});

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
 *
 * `keep: false`: a decrypted session is not kept. A press this process answers without Redis
 * (a sale with nothing left) needs the user once, to tell a holder from everyone else; keeping
 * a hundred thousand sessions told "sold out" would cost each press a cache insert and the
 * process their memory, for requests that do not come back.
 */
export type ReadOptions = { sendTicket?: boolean; keep?: boolean };

export async function readSession(
  header: string | null | undefined,
  { sendTicket = false, keep = true }: ReadOptions = {},
  keys: SessionKeys = configuredKeys(),
): Promise<SessionRead | null> {
  const cookies = parseCookies(header);
  const cookie = sessionCookie(cookies);
  if (!cookie) return null;
  const now = Date.now();
  const ticket = cookies.get(ticketCookieName(cookie.name));
  // A kept session first: a lookup is cheaper than a ticket's HMAC.
  const kept = keptSession(cookie.value, cookie.name, keys.secret, now);
  if (kept === null) {
    countRead("refused");
    return null;
  }
  if (kept) {
    countRead("remembered");
    return sendTicket ? keptWithTicket(kept, cookie, ticket, keys, now) : { user: kept.user };
  }
  if (ticket !== undefined) {
    const ticketed = userFromTicket(
      ticket,
      cookie.name,
      cookie.value,
      keys.secret,
      now,
      keys.crypto,
    );
    if (ticketed) {
      countRead("ticketed");
      return { user: { id: ticketed.id, role: ticketed.role, sv: ticketed.sv ?? 0 } };
    }
  }
  // null: tampered, expired or sealed with another secret
  const claims = await keys.crypto.decrypt(cookie.value, keys.secret, cookie.name);
  const session = claims && sessionFromClaims(claims, now);
  if (!session) {
    countRead("refused");
    return null;
  }
  countRead("decrypted");
  const { user, expS } = session;
  if (expS === undefined) return { user }; // never kept, and no ticket
  if (!keep && !sendTicket) return { user };
  const entry: KeptSession = {
    user,
    expS,
    name: cookie.name,
    secret: keys.secret,
    ticketMac: undefined,
  };
  keepSession(cookie.value, entry, now);
  return sendTicket ? withFreshTicket(entry, cookie, keys, now) : { user };
}

/** A kept session's read for /me: a fresh ticket only when the browser has no valid one. */
function keptWithTicket(
  kept: KeptSession,
  cookie: SessionCookie,
  ticket: string | undefined,
  keys: SessionKeys,
  now: number,
): SessionRead {
  if (kept.ticketMac !== undefined && ticket?.endsWith(kept.ticketMac)) return { user: kept.user }; // the ticket this process made for it
  // A valid one made by another instance is noted, so the next read is a comparison again.
  if (
    ticket !== undefined &&
    userFromTicket(ticket, cookie.name, cookie.value, keys.secret, now, keys.crypto)?.id ===
      kept.user.id
  ) {
    kept.ticketMac = ticketMac(ticket);
    return { user: kept.user };
  }
  return withFreshTicket(kept, cookie, keys, now);
}

/** The read with a fresh lane ticket (its MAC noted, so the browser sending it back costs none). */
function withFreshTicket(
  kept: KeptSession,
  cookie: SessionCookie,
  keys: SessionKeys,
  now: number,
): SessionRead {
  const { user, expS } = kept;
  const ticket = issueTicket(user, cookie.name, cookie.value, keys.secret, expS, now, keys.crypto);
  if (!ticket) return { user };
  kept.ticketMac = ticket.mac;
  return { user, setCookie: ticketSetCookie(cookie.name, ticket) };
}

/** Drops the session this header carries from the kept ones (it was found ended). */
export function forgetSessionOf(header: string | null | undefined): void {
  const cookie = sessionCookie(parseCookies(header));
  if (cookie) forgetSession(cookie.value);
}
