import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { encode } from "next-auth/jwt";
import pg from "pg";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "@/bench/herd/setup";
import { startCluster, type Cluster } from "./lib/cluster";
import { freeRange } from "./lib/ports";
import { prepareDb } from "./lib/prepare-db";
import { startRedisServer, type RedisServer } from "./lib/redis-server";

/**
 * Two server.ts instances built and started as `npm run cluster` does (NEXT_CACHE_HANDLER=redis):
 * a page one instance rendered is served by the other from Redis, and a merchant's edit on one
 * (revalidateTag) is what the other serves next. Builds into NEXT_DIST_DIR (.next-cluster).
 */

const adminUrl = process.env.TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const id = randomBytes(3).toString("hex");
const dbName = `stampede_cluster_test_${id}`;
const secrets = {
  AUTH_SECRET: randomBytes(32).toString("base64url"),
  TOKEN_SECRET: randomBytes(32).toString("base64url"),
  NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
};

let dir: string;
let redis: RedisServer | undefined;
let cluster: Cluster | undefined;
let db: pg.Pool | undefined;

function build(env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("npx", ["next", "build"], { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`next build failed:\n${out.slice(-3000)}`)),
    );
  });
}

beforeAll(async () => {
  const databaseUrl = await freshDatabase(adminUrl, dbName);
  dir = mkdtempSync(path.join(os.tmpdir(), "stampede-cluster-test-"));
  redis = await startRedisServer({ port: await freeRange(6840, 6899, 1), dir, aof: false });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production",
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    REDIS_PREFIX: `cluster:test:${id}:`,
    ...secrets,
    AUTH_TRUST_HOST: "true",
    LOG_LEVEL: "silent",
    NEXT_CACHE_HANDLER: "redis",
    NEXT_DIST_DIR: process.env.NEXT_DIST_DIR ?? ".next-cluster",
    NEXT_TELEMETRY_DISABLED: "1",
  };
  await prepareDb(env, { withSeed: true });
  db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  db.on("error", () => {});
  if (process.env.CLUSTER_TEST_SKIP_BUILD !== "1") await build(env);
  const base = await freeRange(3840, 3899, 3);
  cluster = await startCluster({
    env,
    instances: 2,
    port: base,
    instancePort: base + 1,
    workers: 0,
  });
}, 300_000);

afterAll(async () => {
  await cluster?.stop();
  await db?.end();
  await redis?.stop("crash");
  if (dir) rmSync(dir, { recursive: true, force: true });
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists "${dbName}" with (force)`);
  await admin.end();
}, 60_000);

async function page(port: number, slug: string) {
  const res = await fetch(`http://127.0.0.1:${port}/products/${slug}`);
  const html = await res.text();
  return {
    status: res.status,
    cache: res.headers.get("x-nextjs-cache"),
    title: /<title>([^<]*)<\/title>/.exec(html)?.[1] ?? "",
  };
}

describe("many instances share one Next.js cache in Redis", () => {
  it("B serves the page A rendered, and after a merchant's edit on A, B serves the new page", async () => {
    const [a, b] = cluster!.instances.map((p) => p.port!) as [number, number];
    const { rows } = await db!.query<{ id: string; slug: string; name: string }>(
      "select id, slug, name from products where slug = 'atlas-keyboard'",
    );
    const product = rows[0]!;
    const merchant = await db!.query<{ id: string; email: string }>(
      "select id, email from users where role = 'merchant' limit 1",
    );

    const first = await page(a, product.slug);
    expect(first.status).toBe(200);
    expect(first.title).toContain(product.name);
    // A stored the page in Redis, under the cluster's prefix, for every instance.
    const r = createClient({ url: redis!.url, RESP: 2 });
    await r.connect();
    const stored = await r.keys(`cluster:test:${id}:next:*/products/${product.slug}`);
    await r.quit();
    expect(stored).toHaveLength(1);
    expect((await page(b, product.slug)).title).toContain(product.name);

    const cookie = `authjs.session-token=${await encode({
      token: { sub: merchant.rows[0]!.id, email: merchant.rows[0]!.email, role: "merchant" },
      secret: secrets.AUTH_SECRET,
      salt: "authjs.session-token",
      maxAge: 600,
    })}`;
    const name = `Atlas Keyboard ${id}`;
    const patched = await fetch(`http://127.0.0.1:${a}/api/admin/products/${product.id}`, {
      method: "PATCH",
      headers: { cookie, "content-type": "application/json" },
      body: JSON.stringify({ name }),
    });
    expect(patched.status).toBe(200);

    // revalidateTag(tag, "max") is stale-while-revalidate: B answers once from the old entry
    // while it renders the new one, then serves the new one.
    const seen: string[] = [];
    const until = Date.now() + 20_000;
    let now = await page(b, product.slug);
    while (!now.title.includes(name) && Date.now() < until) {
      seen.push(`${now.cache}:${now.title.includes(product.name) ? "old" : "?"}`);
      await new Promise((r) => setTimeout(r, 250));
      now = await page(b, product.slug);
    }
    expect(now.title, `B kept serving: ${seen.join(", ")}`).toContain(name);
    // At most the old page marked stale while the new one renders; never the old one as fresh
    // (without the shared handler B serves its own copy as a HIT for the page's whole minute).
    expect(
      seen.every((s) => s === "STALE:old"),
      seen.join(", "),
    ).toBe(true);
  });
});
