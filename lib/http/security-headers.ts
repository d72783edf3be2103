/**
 * Security headers, in one place: next.config.ts sends the page set on every Next.js response;
 * the fast lane (lib/http/node-adapter.ts) sends the JSON set. No imports, so next.config.ts can
 * load this file before anything else is built.
 */

type Header = { key: string; value: string };

/**
 * The pages' Content-Security-Policy.
 *
 * script-src allows 'unsafe-inline' rather than nonces, on purpose: App Router pages inline
 * their RSC payload in <script> tags, and a nonce must be new on every response, which makes
 * every page dynamic — no ISR, no CDN caching — exactly what this shop cannot give up during a
 * stampede. What keeps inline script out is that nothing we render is raw HTML: React escapes
 * all text (product names, descriptions), there is no dangerouslySetInnerHTML, uploads are
 * served with their sniffed image type, nosniff and a sandbox CSP (app/api/images), and the
 * remaining directives stop injected markup from loading script from anywhere but this origin,
 * posting forms elsewhere, or rewriting <base>.
 */
export function pageCsp(dev = false): string {
  return [
    "default-src 'self'",
    // 'unsafe-eval' only for next dev (React's dev tooling); production needs none.
    `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
    // Inline style attributes (charts, progress bars) and Next's inlined CSS.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${dev ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "manifest-src 'self'",
    "worker-src 'self' blob:",
  ].join("; ");
}

/** Two years, for HSTS; sent only when the request came over https (see below). */
export const HSTS = "max-age=63072000; includeSubDomains";

/** Features no page of the shop uses, so no embedded or injected content may ask for them. */
export const PERMISSIONS_POLICY = [
  "accelerometer=()",
  "autoplay=()",
  "camera=()",
  "display-capture=()",
  "geolocation=()",
  "gyroscope=()",
  "magnetometer=()",
  "microphone=()",
  "midi=()",
  "payment=()",
  "usb=()",
  "browsing-topics=()",
].join(", ");

/** On every Next.js response (pages, route handlers, static files), the CSP aside. */
export function pageSecurityHeaders(): Header[] {
  return [
    { key: "X-Frame-Options", value: "DENY" },
    { key: "X-Content-Type-Options", value: "nosniff" },
    { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
    { key: "Permissions-Policy", value: PERMISSIONS_POLICY },
    { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  ];
}

/**
 * Where the page CSP goes: everywhere but uploaded images, whose route sends a stricter one
 * (`default-src 'none'; sandbox`) that a next.config header would replace.
 */
export const PAGE_CSP_SOURCE = "/((?!api/images/).*)";

/** On every fast-lane JSON answer: nothing in it may run, be framed or be sniffed as HTML. */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "strict-origin-when-cross-origin",
};

/**
 * HSTS belongs on https responses only. TLS ends at the load balancer, so "https" is what it
 * says in X-Forwarded-Proto (a client faking it over plain http gains nothing: browsers ignore
 * HSTS received over http).
 */
export const cameOverHttps = (forwardedProto: string | string[] | null | undefined): boolean =>
  forwardedProto != null && String(forwardedProto).split(",")[0]!.trim().toLowerCase() === "https";
