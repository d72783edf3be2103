import path from "node:path";
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { createClient } from "redis";
import { startMailCatcher } from "@/scripts/lib/mail-catcher";
import { prepareDb } from "@/scripts/lib/prepare-db";
import { pgTarget, startPgProxy } from "@/test/support/pg-proxy";
import { databaseUrl, e2e, e2eSecrets } from "./env";
import { startPgControl } from "./pg-outage";

/**
 * Playwright's web server: a fresh PostgreSQL database and Redis prefix, migrated and seeded,
 * then a production build served on 127.0.0.1 (E2E_SKIP_BUILD=1 reuses an existing build), its
 * receipts sent to a mail catcher of its own (SMTP on e2e.mailPort, read on the port after).
 * The app reaches PostgreSQL through a switchable TCP proxy (./pg-outage.ts) so a spec can
 * take it away; E2E_PG_PROXY=0 connects directly (the outage spec then skips).
 */

async function main() {
  const admin = new pg.Client({ connectionString: e2e.adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists "${e2e.dbName}" with (force)`);
  await admin.query(`create database "${e2e.dbName}"`);
  await admin.end();

  const redis = createClient({ url: e2e.redisUrl, RESP: 2 });
  await redis.connect();
  for await (const batch of redis.scanIterator({ MATCH: `${e2e.redisPrefix}*`, COUNT: 1000 }))
    if (batch.length) await redis.del(batch);
  await redis.quit();

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: databaseUrl(),
    REDIS_URL: e2e.redisUrl,
    REDIS_PREFIX: e2e.redisPrefix,
    ...e2eSecrets,
    // A short Buy Now window, so the rate-limited shopper's honoured Retry-After fits in 3 seconds.
    RATE_LIMITS: "buyNow=5/2s",
    NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    AUTH_TRUST_HOST: "true",
    // The browser and most specs play the load balancer (they may set X-Forwarded-For); a spec
    // that plays an outside client connects from another loopback address.
    TRUSTED_PROXIES: "127.0.0.1",
    // The contract tests reach the route handlers with x-stampede-lane: next.
    ALLOW_LANE_OVERRIDE: "1",
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
  };
  await prepareDb(env, { withSeed: true });

  if (process.env.E2E_SKIP_BUILD !== "1") {
    const build = spawnSync("npx", ["next", "build"], { stdio: "inherit", env });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
  // Only the server goes through the proxy: it lives in this process, which spawnSync blocks.
  if (process.env.E2E_PG_PROXY !== "0") {
    const proxy = await startPgProxy(pgTarget(databaseUrl()));
    await startPgControl(proxy);
    env.DATABASE_URL = proxy.url(databaseUrl());
  }
  // Started after the build, which blocks this process's event loop for minutes.
  const mail = await startMailCatcher({ smtpPort: e2e.mailPort, httpPort: e2e.mailPort + 1 });
  env.SMTP_URL = mail.smtpUrl;
  env.PUBLIC_BASE_URL = `http://127.0.0.1:${e2e.port}`;
  // The production server as `npm start` runs it: fast lane + Next.js (server.ts).
  const server = spawn(path.join("node_modules", ".bin", "tsx"), ["server.ts"], {
    stdio: "inherit",
    env: { ...env, HOST: "127.0.0.1", PORT: String(e2e.port) },
  });
  const stop = () => server.kill("SIGTERM");
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  server.on("exit", (code) => process.exit(code ?? 0));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
