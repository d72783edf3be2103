import type { Role } from "@/db/schema";

/**
 * What a session's claims grant, and until when: the one rule for every reader of the session
 * (both decoders, the kept sessions, lane tickets).
 */

/**
 * `sv`: the session's version. A read says the cookie is authentic and unexpired; whether the
 * session has since been ended is lib/auth/live-session.ts's question (it asks Redis).
 */
export type SessionUser = { id: string; role: Role; sv: number };

/**
 * Valid strictly before `exp` (RFC 7519 §4.1.4), with no clock tolerance: this shop both writes
 * and reads the cookie, on clocks it keeps in step, and the browser drops the cookie at that same
 * moment. A tolerance would let a kept session or a lane ticket outlive the session it stands for.
 * (next-auth/jwt's decode also allows 15 s on its own; this rule is the stricter, so it decides.)
 */
export const hasExpired = (expS: number, now: number): boolean => now >= expS * 1000;

/** The session the claims describe, and its expiry; null when they grant none at `now`. */
export function sessionFromClaims(
  claims: Record<string, unknown>,
  now: number,
): { user: SessionUser; expS: number | undefined } | null {
  const { sub, exp, nbf, role, sv } = claims;
  if (typeof sub !== "string") return null;
  if (exp !== undefined && (typeof exp !== "number" || hasExpired(exp, now))) return null;
  if (nbf !== undefined && (typeof nbf !== "number" || nbf * 1000 > now)) return null;
  const user: SessionUser = Object.freeze({
    id: sub,
    role: role === "merchant" ? "merchant" : "shopper",
    sv: typeof sv === "number" ? sv : 0,
  });
  return { user, expS: typeof exp === "number" ? exp : undefined };
}
