import { hkdfSync } from "node:crypto";
import { jwtDecrypt } from "jose";
import type { Role } from "@/db/schema";
import { env } from "@/lib/env";

/**
 * Reads the Auth.js session straight from the request's cookie (the same encrypted JWT,
 * decoded with the same secret and salt), without Next.js request machinery: the hot routes
 * use it in route handlers and in the fast-lane server alike.
 */

export type SessionUser = { id: string; role: Role };

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
 * Auth.js's own decode derives the encryption key with HKDF on every call; on the Buy Now hot
 * path that is most of the cost, so the derived key is kept (same derivation, same algorithms).
 */
const derived = new Map<string, Uint8Array>();
function encryptionKey(enc: string, secret: string, salt: string): Uint8Array {
  const id = `${enc}\0${salt}\0${secret}`;
  let key = derived.get(id);
  if (!key) {
    const length = enc === "A256CBC-HS512" ? 64 : enc === "A256GCM" ? 32 : 0;
    if (!length) throw new Error("unsupported session encryption");
    key = new Uint8Array(
      hkdfSync("sha256", secret, salt, `Auth.js Generated Encryption Key (${salt})`, length),
    );
    derived.set(id, key);
  }
  return key;
}

async function decode(token: string, secret: string, salt: string) {
  const { payload } = await jwtDecrypt(token, async ({ enc }) => encryptionKey(enc, secret, salt), {
    clockTolerance: 15,
    keyManagementAlgorithms: ["dir"],
    contentEncryptionAlgorithms: ["A256CBC-HS512", "A256GCM"],
  });
  return payload;
}

export async function userFromCookieHeader(
  header: string | null | undefined,
): Promise<SessionUser | null> {
  const cookie = sessionCookie(parseCookies(header));
  if (!cookie || cookie.value.length > 8192) return null;
  try {
    const payload = await decode(cookie.value, env().AUTH_SECRET, cookie.name);
    if (!payload || typeof payload.sub !== "string") return null;
    if (typeof payload.exp === "number" && payload.exp * 1000 < Date.now()) return null;
    return { id: payload.sub, role: payload.role === "merchant" ? "merchant" : "shopper" };
  } catch {
    return null; // tampered, expired or signed with another secret
  }
}
