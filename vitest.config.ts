import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(__dirname),
      // Next.js enforces "server-only" at build time; in tests every module is server code.
      "server-only": path.resolve(__dirname, "test/support/empty.ts"),
    },
  },
  test: {
    include: ["**/*.test.ts"],
    // .next-*: per-port build dirs (e2e, bench) carry copies of packages with their own tests.
    exclude: ["node_modules/**", "e2e/**", ".next/**", ".next-*/**", ".data/**"],
    globalSetup: ["test/support/global-setup.ts"],
    pool: "forks",
    testTimeout: 60_000,
    // Same policy as Playwright: in CI a timing-sensitive test gets one more try, and is
    // reported as retried; failing twice fails the run.
    retry: process.env.CI ? 1 : 0,
    hookTimeout: 60_000,
  },
});
