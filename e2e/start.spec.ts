import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import pg from "pg";
import { createClient } from "redis";
import { e2e } from "./support/env";

/**
 * The README's run command (`npm start`, here with --no-build to reuse the build this run
 * already made) serves the seeded shop on embedded PGlite behind a socket when DATABASE_URL is
 * unset, and on PostgreSQL when it is set.
 */

test.describe.configure({ timeout: 180_000 });

/**
 * A copy of the build without its cache: Next.js keeps cached data (unstable_cache) in the build
 * directory, so a shop started on the shared build would read what other shops on other
 * databases — the e2e server, earlier runs — cached there.
 */
function ownBuild(port: number): string {
  const from = process.env.NEXT_DIST_DIR ?? ".next";
  const dir = `.next-start-${port}-${process.pid}`;
  rmSync(dir, { recursive: true, force: true });
  cpSync(from, dir, {
    recursive: true,
    filter: (src) => path.relative(from, src).split(path.sep)[0] !== "cache",
  });
  return dir;
}

async function startShop(
  port: number,
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; output: () => string; distDir: string }> {
  let output = "";
  const distDir = ownBuild(port);
  const child = spawn("npx", ["tsx", "scripts/start.ts", "--no-build"], {
    env: { ...env, PORT: String(port), LOG_LEVEL: "warn", NEXT_DIST_DIR: distDir },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      rmSync(distDir, { recursive: true, force: true });
      throw new Error(`start exited early:\n${output}`);
    }
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/health`)).ok)
        return { child, output: () => output, distDir };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  stop({ child, distDir });
  throw new Error(`shop did not answer on :${port}:\n${output}`);
}

function stop({ child, distDir }: { child: ChildProcess; distDir: string }) {
  if (child.pid) process.kill(-child.pid, "SIGTERM");
  rmSync(distDir, { recursive: true, force: true });
}

async function expectSeededShop(port: number) {
  const base = `http://127.0.0.1:${port}`;
  const health = await (await fetch(`${base}/api/health`)).json();
  expect(health).toMatchObject({ ok: true });
  for (const [url, name] of [
    ["/", "Nimbus ANC Headphones"],
    ["/products/aurora-runner", "Aurora Runner"],
    ["/search?q=insulated", "Canyon Insulated Bottle"],
  ] as const) {
    const res = await fetch(base + url);
    expect(res.status, url).toBe(200);
    expect(await res.text(), url).toContain(name);
  }
}

test("with no DATABASE_URL the shop runs on embedded PGlite and a private Redis", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "stampede-pglite-"));
  const env: NodeJS.ProcessEnv = { ...process.env, PGLITE_DIR: path.join(dir, "pglite") };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  const shop = await startShop(3101, env);
  try {
    await expectSeededShop(3101);
    expect(shop.output()).toContain("private redis-server");
    // Every process reached PGlite over its socket: the data directory is the one given.
    expect(shop.output()).toContain(
      `embedded PGlite in ${env.PGLITE_DIR}, served on postgresql://`,
    );
    expect(existsSync(path.join(env.PGLITE_DIR!, "PG_VERSION"))).toBe(true);
    // The private Redis wants its password; the banner shows neither it nor the metrics token.
    const secrets = JSON.parse(readFileSync(".data/secrets.json", "utf8")) as Record<
      string,
      string
    >;
    for (const name of ["REDIS_PASSWORD", "METRICS_TOKEN", "AUTH_SECRET"])
      expect(shop.output(), name).not.toContain(secrets[name]!);
    const redisPort = /private redis-server on redis:\/\/127\.0\.0\.1:(\d+)/.exec(
      shop.output(),
    )![1];
    const anonymous = createClient({
      url: `redis://127.0.0.1:${redisPort}`,
      RESP: 2,
      socket: { reconnectStrategy: false },
    });
    anonymous.on("error", () => {});
    const answer = await anonymous
      .connect()
      .then(() => anonymous.ping())
      .then(
        (pong) => String(pong),
        (error: Error) => error.message,
      );
    expect(answer).toMatch(/NOAUTH|Authentication required/);
    if (anonymous.isOpen) await anonymous.quit();
    // PGlite's files are world-writable; its directory lets no one else in.
    expect(statSync(path.join(dir, "pglite")).mode & 0o777).toBe(0o700);
  } finally {
    stop(shop);
    rmSync(dir, { recursive: true, force: true });
  }
});

test("with DATABASE_URL the shop runs on PostgreSQL", async () => {
  const name = `stampede_start_${Date.now()}`;
  const admin = new pg.Client({ connectionString: e2e.adminUrl });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  const url = new URL(e2e.adminUrl);
  url.pathname = `/${name}`;
  const shop = await startShop(3102, {
    ...process.env,
    DATABASE_URL: url.toString(),
    REDIS_URL: e2e.redisUrl,
    // Its own namespace: the shared Redis outlives the run, and a catalog cached by an earlier
    // run's shop (another database, other ids) would answer this one's search with nothing.
    REDIS_PREFIX: `${name}:`,
  });
  try {
    await expectSeededShop(3102);
    const { rows } = await admin.query(
      `select count(*)::int as n from pg_stat_activity where datname = $1`,
      [name],
    );
    expect(rows[0].n).toBeGreaterThan(0);
  } finally {
    stop(shop);
    await new Promise((r) => setTimeout(r, 500));
    await admin.query(`drop database if exists "${name}" with (force)`);
    const redis = createClient({ url: e2e.redisUrl, RESP: 2 });
    await redis.connect();
    for await (const keys of redis.scanIterator({ MATCH: `${name}:*`, COUNT: 1000 }))
      if (keys.length) await redis.del(keys);
    await redis.quit();
    await admin.end();
  }
});
