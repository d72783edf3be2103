import type { Refusal } from "@/lib/contract/sale-api";
import { refusal, REFUSAL_HEADERS, toResponse, type ApiReply } from "./status";

/**
 * Cross-site request refusal for every state-changing route handler and the fast lane (Next.js
 * does the same for server actions). `SameSite=Lax` cookies are sent by pages on the same *site*
 * — another port, a sibling subdomain — so the cookie alone does not prove the shop's own page
 * asked. A browser says where a request came from:
 * - `Sec-Fetch-Site` (every current browser): only `same-origin`, or `none` (typed by the user),
 *   may change state; `same-site` and `cross-site` may not;
 * - otherwise `Origin`: it must name this host (`X-Forwarded-Host`, which server.ts keeps only
 *   from trusted proxies, else `Host`), and `null` never does.
 * A request with neither is not from a browser's page (curl, the herd, a server) and cannot
 * carry a victim's cookies against their will, so it passes.
 */

type HeaderValue = string | string[] | null | undefined;
export type HeaderGet = (name: string) => HeaderValue;

const one = (v: HeaderValue): string | undefined =>
  Array.isArray(v) ? v[0] : v === null ? undefined : v;

export function isCrossSite(get: HeaderGet): boolean {
  const site = one(get("sec-fetch-site"));
  if (site !== undefined) return site !== "same-origin" && site !== "none";
  const origin = one(get("origin"));
  if (origin === undefined) return false;
  const host = one(get("x-forwarded-host")) ?? one(get("host"));
  try {
    return !host || new URL(origin).host !== host.toLowerCase();
  } catch {
    return true; // "null", or not a URL
  }
}

export const CROSS_SITE_REPLY: ApiReply<Refusal> = refusal(
  "forbidden",
  "Cross-site request refused.",
  { headers: REFUSAL_HEADERS },
);

/** The refusal for a web Request (route handlers), or null when it may go ahead. */
export function crossSiteResponse(request: Request): Response | null {
  if (!isCrossSite((name) => request.headers.get(name))) return null;
  return toResponse(CROSS_SITE_REPLY);
}
