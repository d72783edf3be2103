import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";
import { demoAccounts } from "@/db/catalog-data";
import { localSecrets } from "@/lib/env";
import { startCluster, type Cluster, type Proc } from "./lib/cluster";
import { prepareDb } from "./lib/prepare-db";
import { ensureDatabase, ensureMail, ensureRedis, portOpen } from "./lib/services";

/**
 * `npm run cluster -- --instances 3 [--port 3000] [--workers 1] [--no-build]`: the shop as many
 * instances on this machine. N server.ts instances on the ports after --port, sharing one Redis,
 * one PostgreSQL (embedded PGlite behind its socket when DATABASE_URL is unset) and the same
 * secrets; OUTBOX_WORKER=off on them and --workers dedicated outbox workers instead; ISR pages
 * and cached data shared through Redis (NEXT_CACHE_HANDLER=redis); nginx on --port in front
 * (scripts/lib/nginx.ts). Ctrl-C stops everything it started.
 */

const USAGE = `usage: npm run cluster -- --instances N [--port 3000] [--instance-port PORT+1] [--workers 1] [--no-build]`;

const { values } = parseArgs({
  options: {
    instances: { type: "string", default: "3" },
    port: { type: "string", default: process.env.PORT ?? "3000" },
    "instance-port": { type: "string" },
    workers: { type: "string", default: "1" },
    "no-build": { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
  strict: true,
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const int = (name: string, v: string | undefined, min: number) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}`);
  return n;
};

let cluster: Cluster | undefined;
let stopping = false;
const cleanups: (() => void | Promise<void>)[] = [];

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  await cluster?.stop();
  for (const c of cleanups.reverse()) await c();
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(130));
process.on("SIGTERM", () => void shutdown(143));

/** A crashed instance or worker is started again (the drills kill them on purpose instead). */
function supervise(c: Cluster, proc: Proc, restart: () => Promise<Proc> | Proc) {
  void proc.exited.then(async (code) => {
    if (stopping) return;
    console.error(`• ${proc.name} exited (${code}); starting it again`);
    await new Promise((r) => setTimeout(r, 1_000));
    if (stopping) return;
    try {
      supervise(c, await restart(), restart);
    } catch (error) {
      console.error(`• could not restart ${proc.name}: ${String(error)}`);
    }
  });
}

async function main() {
  const instances = int("instances", values.instances, 1);
  const workers = int("workers", values.workers, 0);
  const port = int("port", values.port, 1);
  const instancePort = int("instance-port", values["instance-port"] ?? String(port + 1), 1);

  for (const p of [port, ...Array.from({ length: instances }, (_, i) => instancePort + i)]) {
    if (await portOpen(p))
      throw new Error(`127.0.0.1:${p} is already in use; choose other ports with --port`);
  }

  const env: NodeJS.ProcessEnv = {
    ...localSecrets(),
    ...process.env,
    NODE_ENV: "production",
    AUTH_TRUST_HOST: "true",
    // Every instance reads and revalidates one ISR cache in Redis (next.config.ts).
    NEXT_CACHE_HANDLER: "redis",
    NEXT_DIST_DIR: process.env.NEXT_DIST_DIR ?? ".next-cluster",
  };
  const redis = await ensureRedis(env);
  if (redis.child) {
    env.REDIS_URL = redis.url;
    cleanups.push(() => void redis.child?.kill("SIGTERM"));
    console.log(`• Redis: private redis-server on ${redis.shown} (data in .data/redis)`);
  } else
    console.log(
      `• Redis: ${env.UPSTASH_REDIS_REST_URL ? "Upstash REST" : env.REDIS_URL?.replace(/\/\/[^@]*@/, "//…@")}`,
    );
  const pglite = await ensureDatabase(env);
  if (pglite.child) {
    env.DATABASE_URL = pglite.url;
    cleanups.push(() => void pglite.child?.kill("SIGTERM"));
    console.log(`• PostgreSQL: embedded PGlite, served on ${pglite.url}`);
  } else console.log(`• PostgreSQL: ${env.DATABASE_URL!.replace(/\/\/[^@]*@/, "//…@")}`);
  const mail = await ensureMail(env);
  if (mail.catcher) {
    env.SMTP_URL = mail.smtpUrl;
    console.log(
      `• Mail: the workers' receipts are caught locally; read them at ${mail.catcher.httpUrl}`,
    );
  }

  await prepareDb(env, { withSeed: process.env.SEED !== "0" });
  console.log("• Database migrated and seeded");
  if (!values["no-build"]) {
    console.log(`• Building into ${env.NEXT_DIST_DIR} (next build, shared Redis cache handler)…`);
    const build = spawnSync("npx", ["next", "build"], { stdio: "inherit", env });
    if (build.status !== 0) throw new Error("next build failed");
  }

  console.log(`• Starting ${instances} instances and ${workers} outbox worker(s)…`);
  const c = await startCluster({
    env,
    instances,
    port,
    instancePort,
    workers,
    stdio: "inherit",
    log: (m) => console.log(`• ${m}`),
  });
  cluster = c;
  c.instances.forEach((p, i) => supervise(c, p, () => c.startInstance(i)));
  c.workers.forEach((p) => supervise(c, p, () => c.startWorker()));

  console.log(`
  Stampede cluster on ${c.url} (nginx → ${c.instances.map((p) => `:${p.port}`).join(" ")})
    shopper   ${demoAccounts.shopper.email} / ${demoAccounts.shopper.password}
    merchant  ${demoAccounts.merchant.email} / ${demoAccounts.merchant.password}
    metrics   per instance (all its processes): curl -H "authorization: Bearer $METRICS_TOKEN" http://127.0.0.1:${instancePort}/api/metrics
              (${process.env.METRICS_TOKEN ? "METRICS_TOKEN as you set it" : "METRICS_TOKEN is in .data/secrets.json"}; never printed)
  Ctrl-C stops the cluster${redis.child ? ", its private Redis" : ""}${pglite.child ? ", PGlite" : ""} and nginx.
`);
}

main().catch(async (error: unknown) => {
  console.error(
    `\nThe cluster could not start: ${error instanceof Error ? error.message : String(error)}`,
  );
  await shutdown(1);
});
