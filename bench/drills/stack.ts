import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { createDb } from "@/db";
import { startCluster, type Cluster } from "@/scripts/lib/cluster";
import { startMailCatcher, type MailCatcher } from "@/scripts/lib/mail-catcher";
import { freeRange } from "@/scripts/lib/ports";
import { startRedisServer, type RedisServer } from "@/scripts/lib/redis-server";
import { pgTarget, startPgProxy, type PgProxy } from "@/test/support/pg-proxy";
import { freshDatabase } from "../herd/setup";
import { startRedisCluster, type RedisClusterStack } from "./redis-cluster";

/**
 * Everything one drill runs on, all of it its own: a database `stampede_drill_<name>_<id>`, a
 * private redis-server on a port in 6840–6899 (data in a temp directory), optionally a TCP proxy
 * between the shop and PostgreSQL (the shared server is never stopped), the instances, the outbox
 * workers and nginx on ports in 3840–3899. `close()` removes all of it, on failure too.
 * With `redisCluster` the shop runs on a Redis Cluster of its own instead (ports 7111-7116).
 */

export type ServerKind = "lane" | "next";

export type StackOptions = {
  name: string;
  instances: number;
  workers: number;
  server: ServerKind;
  /** Put a switchable TCP proxy between every shop process and PostgreSQL. */
  pgProxy?: boolean;
  /** Redis with an append-only file, fsync every second (the redis-restart drill). */
  aof?: boolean;
  /** A three-master Redis Cluster (with replicas) instead of one redis-server. */
  redisCluster?: boolean;
  workerArgs?: string[];
  /** A mail catcher the workers send receipts to, answering after `replyDelayMs`. */
  mail?: { replyDelayMs: number };
  adminUrl?: string;
  /** Port ranges for nginx + the instances, and for Redis (default 3840–3899, 6840–6899). */
  webPorts?: [number, number];
  redisPorts?: [number, number];
  /** nginx logs every request (default: on; the drills read it). */
  accessLog?: boolean;
  log: (message: string) => void;
};

export type Stack = {
  readonly url: string;
  readonly cluster: Cluster;
  /** Straight to PostgreSQL (not through the proxy): set-up and checks. */
  readonly db: pg.Pool;
  /** The one redis-server, or the cluster (`redisCluster`). */
  readonly redis?: RedisServer;
  readonly redisCluster?: RedisClusterStack;
  readonly redisPrefix: string;
  readonly pgProxy?: PgProxy;
  readonly mail?: MailCatcher;
  readonly secrets: { AUTH_SECRET: string; TOKEN_SECRET: string };
  readonly env: NodeJS.ProcessEnv;
  close(): Promise<void>;
};

const ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres";

export async function startStack(o: StackOptions): Promise<Stack> {
  const id = randomBytes(3).toString("hex");
  const adminUrl = o.adminUrl ?? process.env.DRILL_PG_URL ?? ADMIN_URL;
  const dbName = `stampede_drill_${o.name.replace(/-/g, "_")}_${id}`;
  const redisPrefix = `drill:${o.name}:${id}:`;
  const cleanups: (() => Promise<unknown> | void)[] = [];
  const close = async () => {
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => {});
    cleanups.length = 0;
  };

  try {
    const databaseUrl = await freshDatabase(adminUrl, dbName);
    cleanups.push(async () => {
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`drop database if exists "${dbName}" with (force)`);
      await admin.end();
    });
    const handle = createDb({ DATABASE_URL: databaseUrl });
    await handle.migrate();
    await handle.close();
    const db = new pg.Pool({ connectionString: databaseUrl, max: 4 });
    db.on("error", () => {}); // an idle connection dropped at the end must not end the drill
    cleanups.push(() => db.end());

    const dir = mkdtempSync(path.join(os.tmpdir(), `stampede-drill-${o.name}-`));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    let redis: RedisServer | undefined;
    let redisCluster: RedisClusterStack | undefined;
    if (o.redisCluster) {
      redisCluster = await startRedisCluster(dir);
      cleanups.push(() => redisCluster?.stop());
    } else {
      redis = await startRedisServer({
        port: await freeRange(...(o.redisPorts ?? [6840, 6899]), 1),
        dir,
        aof: o.aof ?? false,
      });
      cleanups.push(() => redis?.stop("crash"));
    }

    let shopDbUrl = databaseUrl;
    let pgProxy: PgProxy | undefined;
    if (o.pgProxy) {
      pgProxy = await startPgProxy(pgTarget(databaseUrl));
      cleanups.push(() => pgProxy?.close());
      shopDbUrl = pgProxy.url(databaseUrl);
    }

    let mail: MailCatcher | undefined;
    if (o.mail) {
      mail = await startMailCatcher({ httpPort: null, replyDelayMs: o.mail.replyDelayMs });
      cleanups.push(() => mail?.close());
    }

    const secrets = {
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      TOKEN_SECRET: randomBytes(32).toString("base64url"),
    };
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "production",
      DATABASE_URL: shopDbUrl,
      ...(redisCluster
        ? { REDIS_CLUSTER_NODES: redisCluster.nodes.join(",") }
        : { REDIS_URL: redis!.url }),
      REDIS_PREFIX: redisPrefix,
      ...secrets,
      NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      METRICS_TOKEN: randomBytes(18).toString("base64url"),
      AUTH_TRUST_HOST: "true",
      LOG_LEVEL: process.env.DRILL_LOG_LEVEL ?? "silent",
      NEXT_DIST_DIR: process.env.NEXT_DIST_DIR ?? ".next-cluster",
      NEXT_CACHE_HANDLER: "redis",
      ...(mail ? { SMTP_URL: mail.smtpUrl } : {}),
    };
    const base = await freeRange(...(o.webPorts ?? [3840, 3899]), o.instances + 1);
    const cluster = await startCluster({
      env,
      instances: o.instances,
      port: base,
      instancePort: base + 1,
      workers: o.workers,
      workerArgs: o.workerArgs,
      entry: o.server === "lane" ? "bench/drills/lane-server.ts" : "server.ts",
      stdio: process.env.DRILL_VERBOSE === "1" ? "inherit" : "ignore",
      accessLog: o.accessLog ?? true,
      log: o.log,
    });
    cleanups.push(() => cluster.stop());
    o.log(
      `stack: database ${dbName}, redis ${redisCluster ? `cluster ${redisCluster.nodes.join(",")}` : redis!.url} prefix ${redisPrefix}${pgProxy ? `, PostgreSQL via proxy :${pgProxy.port}` : ""}`,
    );
    return {
      url: cluster.url,
      cluster,
      db,
      redis,
      redisCluster,
      redisPrefix,
      pgProxy,
      mail,
      secrets,
      env,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
