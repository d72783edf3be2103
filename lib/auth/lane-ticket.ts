import { timingSafeEqual } from "node:crypto";
import type { Role } from "@/db/schema";
import { MAC_32_PATTERN } from "@/lib/crypto/base64url";
import { hasExpired } from "./session-claims";
import { configuredCrypto, type SessionCrypto } from "./session-crypto";

/**
 * Lane tickets: a signed (not encrypted) stand-in for the Auth.js session on the hot sale
 * routes, so a press costs one HMAC-SHA-256 over ~120 bytes instead of decrypting the session
 * (HMAC-SHA-512 over ~500 bytes, AES-CBC, JSON): in the fast lane that read was the largest
 * piece of a press (bench/lanes/README.md).
 *
 * The sale panel's `/me` sends a ticket back as a cookie when the request came without one that
 * fits (lib/auth/session-cookie.ts readSession); the browser sends it with its presses, polls
 * and checkout, to any instance. The ticket says who (the session's `sub` and role) and until
 * when (./session-claims.ts's rule), and its MAC (./session-crypto.ts: HMAC-SHA-256 keyed from
 * AUTH_SECRET with HKDF, a key of its own) also covers
 * - the session cookie's name, so a ticket made for one cookie never vouches for another;
 * - the session cookie's authentication tag (the JWE's last part, itself a MAC over the whole
 *   encrypted session): a ticket counts only next to the very session it was made from. When
 *   Auth.js rewrites the session (it does on every /api/auth/session), or the shopper signs out
 *   (the session cookie goes), or someone else signs in on the same browser, the ticket no longer
 *   fits and the session is read the slow way again (and the next /me makes a fresh ticket).
 * So a ticket grants nothing its session does not: whoever has both cookies has the session.
 * It is never longer-lived than its session, and lives at most TICKET_MAX_S.
 *
 * Value: `<sub>.<s|m>.<session version>.<exp seconds>.<base64url MAC>`. The session version
 * (lib/auth/session-version.ts) is the session's own, so a ticket ends with its session when the
 * shopper signs out or changes the password elsewhere. It names a user id, which the shopper's own
 * browser may see; no name, no email. Only /me, Buy Now and checkout (lib/http/sale-api.ts) read
 * tickets, the cookie's Path keeps it off everything but the API, and sign-out clears it.
 */

/** A day: a stolen pair of cookies is worth no more than the session, and usually less. */
export const TICKET_MAX_S = 24 * 3600;
/** The JWE's tag: HMAC-SHA-512 cut to 32 bytes, 43 base64url characters (RFC 7518 §5.2.5). */
const TAG_CHARS = 43;
const MAC_CHARS = 43;
/** Auth.js user ids here are UUIDs; anything outside this never gets a ticket. */
const BODY = String.raw`([\w-]{1,64})\.([sm])\.(\d{1,9})\.(\d{1,12})`;
const TICKET_BODY = new RegExp(`^${BODY}$`);
/** A whole ticket, its MAC in its one spelling (lib/crypto/base64url.ts). */
const TICKET = new RegExp(`^(${BODY})\\.(${MAC_32_PATTERN})$`);
const MAX_TICKET_CHARS = 64 + 2 + 1 + 9 + 1 + 12 + 1 + MAC_CHARS + 2;

/** `sv`: the session's version (lib/auth/session-version.ts); 0 when it has none. */
export type TicketUser = { id: string; role: Role; sv?: number };
/** A ticket made: the cookie's value, its Max-Age, and its MAC alone (the value's last part). */
export type Ticket = { value: string; maxAgeS: number; mac: string };
/** A ticket's MAC: its last part, as a string of its own (a slice would keep the source alive). */
export const ticketMac = (ticket: string): string =>
  Buffer.from(ticket.slice(-MAC_CHARS), "latin1").toString("latin1");

/** Both names a ticket cookie may have. */
export const TICKET_COOKIES = ["stampede.lane", "__Secure-stampede.lane"] as const;
/** The ticket cookie that goes with a session cookie: `__Secure-` only beside a `__Secure-` one. */
export const ticketCookieName = (sessionCookieName: string): string =>
  sessionCookieName.startsWith("__Secure-") ? TICKET_COOKIES[1] : TICKET_COOKIES[0];

/** The session cookie's authentication tag, or null when the value is no compact JWE. */
function sessionTag(sessionValue: string): string | null {
  const dot = sessionValue.length - TAG_CHARS - 1;
  if (dot < 0 || sessionValue.charCodeAt(dot) !== 0x2e) return null;
  return sessionValue.slice(dot + 1);
}

/**
 * A ticket for `user`, made for the session cookie `sessionCookieName=sessionValue`, valid until
 * `expS` (seconds) or for TICKET_MAX_S, whichever comes first. Null when the session cookie is not
 * a JWE or the id is not one a ticket can carry.
 */
export function issueTicket(
  user: TicketUser,
  sessionCookieName: string,
  sessionValue: string,
  secret: string,
  expS: number,
  now = Date.now(),
  crypto: SessionCrypto = configuredCrypto(),
): Ticket | null {
  const tag = sessionTag(sessionValue);
  const exp = Math.min(Math.floor(expS), Math.floor(now / 1000) + TICKET_MAX_S);
  const maxAgeS = exp - Math.floor(now / 1000);
  if (!tag || maxAgeS <= 0) return null;
  const body = `${user.id}.${user.role === "merchant" ? "m" : "s"}.${user.sv ?? 0}.${exp}`;
  if (!TICKET_BODY.test(body)) return null;
  const macText = crypto.ticketMac(secret, sessionCookieName, tag, body).toString("base64url");
  return { value: `${body}.${macText}`, maxAgeS, mac: macText };
}

/**
 * The user a ticket vouches for, next to the session cookie `sessionCookieName=sessionValue`;
 * null for a ticket that is malformed, expired, made with another secret, for another cookie or
 * for another session.
 */
export function userFromTicket(
  ticket: string,
  sessionCookieName: string,
  sessionValue: string,
  secret: string,
  now = Date.now(),
  crypto: SessionCrypto = configuredCrypto(),
): TicketUser | null {
  if (ticket.length > MAX_TICKET_CHARS) return null;
  const m = TICKET.exec(ticket);
  if (!m) return null;
  const [, body, id, role, sv, exp, macText] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (hasExpired(Number(exp), now)) return null;
  const tag = sessionTag(sessionValue);
  if (!tag) return null;
  const given = Buffer.from(macText, "base64url");
  if (given.length !== 32) return null; // cannot happen after the pattern
  if (!timingSafeEqual(crypto.ticketMac(secret, sessionCookieName, tag, body), given)) return null;
  return { id, role: role === "m" ? "merchant" : "shopper", sv: Number(sv) };
}

/** The Set-Cookie value for a ticket: HttpOnly, Lax, for the API only, Secure beside a secure session. */
export function ticketSetCookie(
  sessionCookieName: string,
  ticket: Pick<Ticket, "value" | "maxAgeS">,
): string {
  const name = ticketCookieName(sessionCookieName);
  const secure = name.startsWith("__Secure-") ? "; Secure" : "";
  return `${name}=${ticket.value}; Path=/api/; Max-Age=${ticket.maxAgeS}; HttpOnly; SameSite=Lax${secure}`;
}
