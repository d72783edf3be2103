import { randomBytes } from "node:crypto";
import pg from "pg";
import { createClient, createCluster } from "redis";
import { createDb } from "@/db";

/**
 * Every test run gets its own PostgreSQL database and its own Redis key prefix, on the real
 * servers (127.0.0.1:5432 and :6379 unless TEST_PG_URL / REDIS_URL say otherwise), and cleans
 * both up afterwards. Workers inherit the settings through the environment.
 * TEST_REDIS_CLUSTER="127.0.0.1:7101,…" runs the tests on a Redis Cluster instead
 * (scripts/redis-cluster.sh starts one); tests that need one plain Redis skip there, by name.
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
  if (process.env.TEST_REDIS_CLUSTER)
    process.env.REDIS_CLUSTER_NODES = process.env.TEST_REDIS_CLUSTER;
  process.env.REDIS_PREFIX = `test:${runId}:`;
  process.env.LOG_LEVEL ??= "silent";
  process.env.AUTH_SECRET ??= randomBytes(32).toString("base64url");
  process.env.TOKEN_SECRET ??= randomBytes(32).toString("base64url");
  (process.env as Record<string, string>).NODE_ENV = "test";

  const handle = createDb({ DATABASE_URL: process.env.DATABASE_URL });
  await handle.migrate();
  await handle.close();

  return async () => {
    await removeKeys(`test:${runId}:*`);
    const cleanup = new pg.Client({ connectionString: adminUrl });
    await cleanup.connect();
    await cleanup.query(`drop database if exists "${dbName}" with (force)`);
    await cleanup.end();
  };
}

/** Deletes the run's keys: on the one Redis, or on every master of the cluster. */
async function removeKeys(match: string) {
  const seeds = process.env.TEST_REDIS_CLUSTER?.split(",");
  const servers = seeds
    ? await (async () => {
        const cluster = createCluster({ rootNodes: seeds.map((s) => ({ url: `redis://${s}` })) });
        await cluster.connect();
        const urls = cluster.masters.map((m) => `redis://${m.host}:${m.port}`);
        await cluster.close();
        return urls;
      })()
    : [process.env.REDIS_URL!];
  for (const url of servers) {
    const redis = createClient({ url, RESP: 2 });
    await redis.connect();
    for await (const batch of redis.scanIterator({ MATCH: match, COUNT: 1000 })) {
      // One DEL per key: on a cluster node, one DEL may not span slots.
      await Promise.all(batch.map((key) => redis.del(key)));
    }
    await redis.quit();
  }
}
