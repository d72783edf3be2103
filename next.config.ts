import path from "node:path";
import type { NextConfig } from "next";
import { HSTS, PAGE_CSP_SOURCE, pageCsp, pageSecurityHeaders } from "./lib/http/security-headers";

const nextConfig: NextConfig = {
  // forbidden() renders app/forbidden.tsx with a real 403 status (shoppers on /admin).
  experimental: { authInterrupts: true },
  poweredByHeader: false,
  // Lets two builds of this checkout coexist (e.g. two e2e runs on different ports).
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  // PGlite, node-redis and pino are Node packages with their own files; keep them out of the bundle.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "pino",
    "redis",
    "@redis/client",
    "prom-client",
    "bcryptjs",
  ],
  images: { unoptimized: true },
  // Many instances (npm run cluster) share ISR pages and cached data through Redis; one instance
  // keeps Next.js's own cache. Read at build and at start, so set it for both.
  ...(process.env.NEXT_CACHE_HANDLER === "redis"
    ? {
        cacheHandler: path.join(process.cwd(), "lib/cache/next-cache-handler.mjs"),
        cacheMaxMemorySize: 0,
      }
    : {}),
  // CSP, framing, sniffing, referrer and permissions on every response (why 'unsafe-inline' and
  // not nonces: lib/http/security-headers.ts). The fast lane sends its own set.
  async headers() {
    const dev = process.env.NODE_ENV !== "production";
    return [
      { source: "/:path*", headers: pageSecurityHeaders() },
      {
        source: PAGE_CSP_SOURCE,
        headers: [{ key: "Content-Security-Policy", value: pageCsp(dev) }],
      },
      {
        // HSTS only over https, i.e. when the TLS-terminating load balancer says so.
        source: "/:path*",
        has: [{ type: "header", key: "x-forwarded-proto", value: "https" }],
        headers: [{ key: "Strict-Transport-Security", value: HSTS }],
      },
    ];
  },
  // Type-checking runs once, in `npm run typecheck` (CI); the build need not repeat it.
  typescript: { ignoreBuildErrors: true },
};

export default nextConfig;
