/**
 * The Cookie header as the session read sees it: every cookie by name, and Auth.js's session
 * cookie among them, joined when Auth.js split it into chunks.
 */

/** Auth.js's session cookie names: `__Secure-` on HTTPS. Each is also the JWE's salt. */
export const SESSION_COOKIES = ["__Secure-authjs.session-token", "authjs.session-token"] as const;
/** Longer than any session Auth.js writes (it splits cookies past 4 KB into chunks). */
export const MAX_SESSION_CHARS = 8192;

export type SessionCookie = { name: string; value: string };

/** Every cookie of the header by name; the first of a name wins. */
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

/**
 * The session cookie, joining Auth.js's chunks (`name.0`, `name.1`, …) when it was split; null
 * when there is none, or when it is longer than any session.
 */
export function sessionCookie(cookies: Map<string, string>): SessionCookie | null {
  for (const name of SESSION_COOKIES) {
    let value = cookies.get(name);
    if (!value) {
      const chunks: string[] = [];
      for (let i = 0; cookies.has(`${name}.${i}`); i++) chunks.push(cookies.get(`${name}.${i}`)!);
      value = chunks.join("");
    }
    if (value) return value.length > MAX_SESSION_CHARS ? null : { name, value };
  }
  return null;
}
