import { randomBytes } from "node:crypto";
import pg from "pg";
import { createClient } from "redis";
import { createDb } from "@/db";

/**
 * Every test run gets its own PostgreSQL database and its own Redis key prefix, on the real
 * servers (127.0.0.1:5432 and :6379 unless TEST_PG_URL / REDIS_URL say otherwise), and cleans
 * both up afterwards. Workers inherit the settings through the environment.
 */

const adminUrl = process.env.TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export default async function setup() {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString("hex")}`;
  const dbName = `stampede_test_${runId}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database "${dbName}"`);
  await admin.end();

  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  process.env.DATABASE_URL = url.toString();
  process.env.REDIS_URL ??= "redis://127.0.0.1:6379";
  process.env.REDIS_PREFIX = `test:${runId}:`;
  process.env.LOG_LEVEL ??= "silent";
  process.env.AUTH_SECRET ??= randomBytes(32).toString("base64url");
  process.env.TOKEN_SECRET ??= randomBytes(32).toString("base64url");
  (process.env as Record<string, string>).NODE_ENV = "test";

  const handle = createDb({ DATABASE_URL: process.env.DATABASE_URL });
  await handle.migrate();
  await handle.close();

  return async () => {
    const redis = createClient({ url: process.env.REDIS_URL, RESP: 2 });
    await redis.connect();
    for await (const batch of redis.scanIterator({ MATCH: `test:${runId}:*`, COUNT: 1000 })) {
      if (batch.length) await redis.del(batch);
    }
    await redis.quit();
    const cleanup = new pg.Client({ connectionString: adminUrl });
    await cleanup.connect();
    await cleanup.query(`drop database if exists "${dbName}" with (force)`);
    await cleanup.end();
  };
}
