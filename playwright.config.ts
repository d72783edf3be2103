import { defineConfig, devices } from "@playwright/test";
import { baseURL, e2e } from "./e2e/support/env";

// Debian's Chromium: `npx playwright install` cannot download a browser on these machines.
const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export default defineConfig({
  testDir: "e2e",
  // Per port, so runs on other ports do not wipe each other's artifacts; screenshots go to
  // test-results/screenshots, which no run cleans.
  outputDir: `test-results/e2e-${e2e.port}`,
  fullyParallel: false,
  workers: 1,
  // In CI, one retry for a test that fails on a timing hiccup of this shared 2-core machine;
  // Playwright still reports it as "flaky", and a test that fails twice fails the run.
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  reporter: [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], channel: undefined } }],
  webServer: {
    command: "npx tsx e2e/support/serve.ts",
    url: `${baseURL}/api/health`,
    reuseExistingServer: false,
    timeout: 600_000,
    stdout: "pipe",
    stderr: "pipe",
  },
});
