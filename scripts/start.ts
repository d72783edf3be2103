import path from "node:path";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { demoAccounts } from "@/db/catalog-data";
import { localSecrets } from "@/lib/env";
import { prepareDb } from "./lib/prepare-db";
import { ensureDatabase, ensureMail, ensureRedis, portOpen } from "./lib/services";

/**
 * `npm start`: one command from a fresh clone to a running shop. Generates local secrets,
 * starts a private Redis when none is configured, embedded PGlite behind a socket when no
 * DATABASE_URL is, and a mail catcher for the receipts when no SMTP server is, migrates and seeds
 * the database, builds,
 * and serves on 127.0.0.1:3000 (PORT/HOST to change). Ctrl-C stops everything it started.
 * `--build-only` (`npm run build`) stops after the build: pages prerendered at build time read
 * the catalog, so a bare `next build` would need the secrets and a migrated database by hand.
 */

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "127.0.0.1";
const skipBuild = process.argv.includes("--no-build") || process.env.SKIP_BUILD === "1";
/** `npm run build`: the same secrets, Redis and database as the shop, then `next build`, and stop. */
const buildOnly = process.argv.includes("--build-only");

const children: ChildProcess[] = [];
const stopAll = () => children.forEach((c) => c.exitCode === null && c.kill("SIGTERM"));
process.on("SIGINT", () => (stopAll(), process.exit(130)));
process.on("SIGTERM", () => (stopAll(), process.exit(143)));
process.on("exit", stopAll);

async function main() {
  if (!buildOnly && (await portOpen(port, host))) {
    throw new Error(
      `${host}:${port} is already in use (another shop, or another program). Set PORT to use another port.`,
    );
  }
  const env: NodeJS.ProcessEnv = {
    ...localSecrets(),
    ...process.env,
    NODE_ENV: "production",
    AUTH_TRUST_HOST: "true",
  };

  const redis = await ensureRedis(env);
  if (redis.child) {
    children.push(redis.child);
    env.REDIS_URL = redis.url;
    console.log(`• Redis: private redis-server on ${redis.shown} (data in .data/redis)`);
  } else {
    console.log(
      `• Redis: ${env.UPSTASH_REDIS_REST_URL ? "Upstash REST" : env.REDIS_URL?.replace(/\/\/[^@]*@/, "//…@")}`,
    );
  }
  const pglite = await ensureDatabase(env);
  if (pglite.child) {
    children.push(pglite.child);
    env.DATABASE_URL = pglite.url;
    console.log(
      `• PostgreSQL: embedded PGlite in ${env.PGLITE_DIR ?? ".data/pglite"}, served on ${pglite.url}`,
    );
  } else console.log(`• PostgreSQL: ${env.DATABASE_URL!.replace(/\/\/[^@]*@/, "//…@")}`);

  const mail = buildOnly ? {} : await ensureMail(env);
  if (mail.catcher) {
    env.SMTP_URL = mail.smtpUrl;
    console.log(
      `• Mail: receipts go to a local catcher (${mail.smtpUrl}); read them at ${mail.catcher.httpUrl}`,
    );
  } else if (!buildOnly) {
    console.log(`• Mail: receipts sent through the SMTP server you configured`);
  }

  await prepareDb(env, { withSeed: process.env.SEED !== "0" });
  console.log("• Database migrated and seeded");

  if (!skipBuild) {
    console.log("• Building (next build)…");
    const build = spawnSync("npx", ["next", "build"], { stdio: "inherit", env });
    if (build.status !== 0) throw new Error("next build failed");
  }
  if (buildOnly) {
    console.log("• Built. `npm start -- --no-build` serves it.");
    stopAll();
    process.exit(0);
  }

  // server.ts: the fast lane for the hot sale routes, Next.js for everything else, one port.
  const server = spawn(path.join("node_modules", ".bin", "tsx"), ["server.ts"], {
    stdio: "inherit",
    env: { ...env, HOST: host, PORT: String(port) },
  });
  children.push(server);
  server.on("exit", (code) => {
    stopAll();
    process.exit(code ?? 1);
  });

  console.log(`
  Stampede is starting on http://${host}:${port}
    shopper   ${demoAccounts.shopper.email} / ${demoAccounts.shopper.password}
    merchant  ${demoAccounts.merchant.email} / ${demoAccounts.merchant.password}
    mail      ${mail.catcher ? `${mail.catcher.httpUrl} (every receipt the shop sends)` : "through your SMTP server"}
    metrics   curl -H "authorization: Bearer $METRICS_TOKEN" http://${host}:${port}/api/metrics
              (${process.env.METRICS_TOKEN ? "METRICS_TOKEN as you set it" : "METRICS_TOKEN is in .data/secrets.json"}; never printed)
  Ctrl-C stops the shop${redis.child ? " and its private Redis" : ""}${pglite.child ? " and PGlite" : ""}${mail.catcher ? " and the mail catcher" : ""}.
`);
}

main().catch((error: unknown) => {
  console.error(
    `\nStampede could not start: ${error instanceof Error ? error.message : String(error)}`,
  );
  stopAll();
  process.exit(1);
});
