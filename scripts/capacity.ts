import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createClient } from "redis";
import { startStack } from "@/bench/drills/stack";
import { herd } from "@/bench/herd/herd";
import type { HerdReport } from "@/bench/herd/report";
import { processCpuSeconds } from "@/bench/herd/server-process";

/**
 * How many boxes: the herd against 1, 2 and 3 server.ts instances behind nginx on this machine,
 * one run each (`--run`), and docs/capacity.md computed from those runs' reports.
 *
 *   npm run capacity -- --run [--instances 1,2,3] [--shoppers 25000] [--stock 250]
 *   npm run capacity            # docs/capacity.md from the newest report per instance count
 *
 * Each run has its own database, Redis, instances (server.ts on the build in NEXT_DIST_DIR,
 * default .next-cluster: build it with `npm run cluster -- --instances 1` first, or `next build`
 * with NEXT_CACHE_HANDLER=redis), one outbox worker and nginx (bench/drills/stack.ts). Beside the
 * herd's report it records the CPU seconds of every instance's processes, of nginx and of Redis
 * (INFO cpu), Redis's commands by name (INFO commandstats) and the machine's load.
 */

const REPORTS = path.join("bench", "results", "capacity");
const DOC = path.join("docs", "capacity.md");

type Run = {
  instances: number;
  fastLaneProcesses: number;
  cpus: number;
  loadBefore: number[];
  loadAfter: number[];
  cpuSeconds: { instances: number; nginx: number; redis: number };
  redisCalls: Record<string, number>;
  herd: HerdReport;
};

const { values } = parseArgs({
  options: {
    run: { type: "boolean", default: false },
    instances: { type: "string", default: "1,2,3" },
    shoppers: { type: "string", default: "25000" },
    stock: { type: "string" }, // default: 1 % of the shoppers, the shape of the drop sized below
    "box-cores": { type: "string", default: "16" },
  },
  strict: true,
});

/** CPU seconds of a process and all its descendants (Linux /proc). */
function treeCpu(pid: number): number {
  const kids = (p: number): number[] => {
    try {
      return readFileSync(`/proc/${p}/task/${p}/children`, "utf8")
        .split(" ")
        .filter(Boolean)
        .map(Number);
    } catch {
      return [];
    }
  };
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...kids(all[i]!));
  return all.reduce((sum, p) => sum + (processCpuSeconds(p) ?? 0), 0);
}

async function redisInfo(url: string) {
  const c = createClient({ url, RESP: 2 });
  await c.connect();
  const cpu = await c.info("cpu");
  const stats = await c.info("commandstats");
  await c.quit();
  const num = (k: string) => Number(new RegExp(`${k}:([\\d.]+)`).exec(cpu)?.[1] ?? 0);
  const calls: Record<string, number> = {};
  for (const m of stats.matchAll(/cmdstat_([a-z|_-]+):calls=(\d+)/g)) calls[m[1]!] = Number(m[2]);
  return { cpu: num("used_cpu_sys") + num("used_cpu_user"), calls };
}

async function measure(instances: number, shoppers: number, stock: number): Promise<Run> {
  const stack = await startStack({
    name: `capacity-${instances}`,
    instances,
    workers: 1,
    server: "next",
    webPorts: [3260, 3289],
    redisPorts: [6421, 6429],
    accessLog: false,
    log: (m) => console.log(`• ${m}`),
  });
  try {
    const { cluster } = stack;
    const pids = cluster.instances.map((p) => p.child.pid!);
    const cpu = () => ({
      instances: pids.reduce((s, p) => s + treeCpu(p), 0),
      nginx: treeCpu(cluster.nginx.child.pid!),
    });
    const redisUrl = stack.redis?.url;
    if (!redisUrl) throw new Error("the capacity runs use one redis-server, not a cluster");
    const loadBefore = os.loadavg();
    const [cpuBefore, redisBefore] = [cpu(), await redisInfo(redisUrl)];
    const report = await herd({
      mode: "stampede",
      shoppers,
      stock,
      spreadMs: 10_000,
      concurrency: 512,
      startInMs: 8_000,
      holdSeconds: 120,
      pollers: 500,
      pollIntervalMs: 1_000,
      requestTimeoutMs: 10_000,
      maxRunMs: 180_000,
      target: stack.url,
      databaseUrl: String(stack.env.DATABASE_URL),
      adminDatabaseUrl: "postgres://postgres@127.0.0.1:5432/postgres",
      baselinePort: 3299,
      authSecret: stack.secrets.AUTH_SECRET,
      metricsToken: String(stack.env.METRICS_TOKEN),
      instances: cluster.instances.map((p) => `http://127.0.0.1:${p.port}`),
      log: (m) => console.log(`• ${m}`),
    });
    const [cpuAfter, redisAfter] = [cpu(), await redisInfo(redisUrl)];
    const redisCalls: Record<string, number> = {};
    for (const [k, v] of Object.entries(redisAfter.calls)) {
      const d = v - (redisBefore.calls[k] ?? 0);
      if (d > 0) redisCalls[k] = d;
    }
    return {
      instances,
      fastLaneProcesses: Number(
        stack.env.FAST_LANE_PROCESSES ??
          Math.max(1, Math.floor(os.availableParallelism() / instances)),
      ),
      cpus: os.availableParallelism(),
      loadBefore,
      loadAfter: os.loadavg(),
      cpuSeconds: {
        instances: cpuAfter.instances - cpuBefore.instances,
        nginx: cpuAfter.nginx - cpuBefore.nginx,
        redis: redisAfter.cpu - redisBefore.cpu,
      },
      redisCalls,
      herd: report,
    };
  } finally {
    await stack.close();
  }
}

const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
const f = (n: number, d = 0) =>
  n.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });

const KINDS = ["secured", "in_line", "sold_out"] as const;
type Kind = (typeof KINDS)[number];

/** What each kind of answer costs, from one run's herd report (see the doc's table). */
function byKind(run: Run, total: number) {
  const s = run.herd.summary;
  const e = s.requests.byEndpoint;
  const shoppers = { secured: s.outcomes.secured, in_line: s.outcomes.in_line, sold_out: 0 };
  shoppers.sold_out = s.shoppers - shoppers.secured - shoppers.in_line;
  const polls = e.poll.total + e.monitor.total;
  const pressesEach = e.buy.total / s.shoppers;
  const checkoutsEach = e.order.total / Math.max(1, shoppers.secured);
  const watchesEach = e.me.total / Math.max(1, shoppers.in_line);
  const orders = s.invariant.ordersInPg;
  const sqlTotal = s.server?.dbQueries ?? NaN;
  const work = s.pressWork ?? {};
  const pressRedis = Object.fromEntries(
    KINDS.map((k) => [k, work[k]?.redisCommands ?? NaN]),
  ) as Record<Kind, number>;
  // Requests that reached Redis: all but the presses an instance answered "sold out" itself.
  const localSoldOut = (work.sold_out?.answers ?? 0) * (1 - (work.sold_out?.redisCommands ?? 0));
  return {
    shoppers,
    total,
    polls,
    pollers: run.herd.config.pollers,
    pressesEach,
    checkoutsEach,
    watchesEach,
    orders,
    sqlTotal,
    pressRedis,
    requestsEach: {
      secured: pressesEach + checkoutsEach,
      in_line: pressesEach + watchesEach,
      sold_out: pressesEach,
    } as Record<Kind, number>,
    sqlEach: { secured: sqlTotal / Math.max(1, orders), in_line: 0, sold_out: 0 } as Record<
      Kind,
      number
    >,
    redisPerGrantRequest: sum(run.redisCalls) / Math.max(1, total - localSoldOut),
    localSoldOutShare: localSoldOut / Math.max(1, shoppers.sold_out * pressesEach),
  };
}

/** The answers a drop of `shoppers` for `units` gives: the line is as long as the units. */
function dropMix(shoppers: number, units: number): Record<Kind, number> {
  const secured = Math.min(units, shoppers);
  const inLine = Math.min(units, shoppers - secured);
  return { secured, in_line: inLine, sold_out: shoppers - secured - inLine };
}

function requestsFor(model: ReturnType<typeof byKind>, mix: Record<Kind, number>) {
  const total = KINDS.reduce((t, k) => t + mix[k] * model.requestsEach[k], 0);
  // The presses of shoppers told "sold out" that the instance answers itself, as in the run.
  const local = mix.sold_out * model.pressesEach * model.localSoldOutShare;
  return { total, local };
}

function render(runs: Run[], files: string[], boxCores: number): string {
  const rows = runs.map((r) => {
    const s = r.herd.summary;
    const requests = s.requests.total;
    const lanes = r.instances * r.fastLaneProcesses;
    const rps = s.rps.mean;
    return {
      r,
      requests,
      lanes,
      rps,
      perCore: requests / r.cpuSeconds.instances,
      perLane: rps / lanes,
      redisPerShopper: sum(r.redisCalls) / s.shoppers,
      redisPerRequest: sum(r.redisCalls) / requests,
      redisPerCpuSecond: sum(r.redisCalls) / r.cpuSeconds.redis,
      sqlPerShopper: (s.server?.dbQueries ?? NaN) / s.shoppers,
      nginxPerCore: requests / r.cpuSeconds.nginx,
    };
  });
  const base = rows[0]!;
  // Sizing from the run with the most instances (the most like a fleet), all figures measured.
  const fleet = rows.at(-1)!;
  const model = byKind(fleet.r, fleet.requests);
  const drop = { shoppers: 1_000_000, seconds: 10, units: 10_000 };
  const dropRequests = requestsFor(model, dropMix(drop.shoppers, drop.units));
  const dropRps = dropRequests.total / drop.seconds;
  const size = (rps: number, grantShare: number) => {
    const cores = rps / fleet.perCore;
    const redisPerSecond = rps * grantShare * model.redisPerGrantRequest;
    return {
      cores,
      boxes: Math.ceil(cores / boxCores),
      nginxCores: rps / fleet.nginxPerCore,
      redisPerSecond,
      shards: Math.max(1, Math.ceil(redisPerSecond / fleet.redisPerCpuSecond)),
    };
  };
  const dropGrantShare = 1 - dropRequests.local / dropRequests.total;
  const forDrop = size(dropRps, dropGrantShare);
  const for80k = size(80_000, dropGrantShare);
  const kinds = Object.entries(fleet.r.herd.summary.outcomes).filter(([, n]) => n > 0);
  const mix = dropMix(drop.shoppers, drop.units);
  const reachingRedis = dropRequests.total - dropRequests.local;
  const dropWatchShare = (mix.in_line * model.watchesEach) / reachingRedis;
  const dropPressShare = (drop.shoppers * model.pressesEach - dropRequests.local) / reachingRedis;
  const pct = (x: number) => `${(x * 100).toFixed(0)} %`;

  return `# How many boxes

Generated by \`npm run capacity\` (scripts/capacity.ts) from ${files.map((x) => `\`${x}\``).join(", ")};
do not edit by hand. Re-measure with \`npm run capacity -- --run\`, then \`npm run capacity\`.

**How it was made.** One herd run per instance count, each against nginx in front of that many
\`server.ts\` instances on one ${base.r.cpus}-core machine (with one outbox worker, Redis and
PostgreSQL on the same machine, and the herd client too): ${f(base.r.herd.summary.shoppers)} shoppers
clicking Buy Now within 10 s for ${f(base.r.herd.config.stock)} units, 500 of them polling the sale's
state. CPU seconds are read from /proc for every process of the instances and nginx, and from
Redis's \`INFO cpu\`; Redis commands from \`INFO commandstats\`; SQL statements from the shop's
own \`stampede_db_queries_total\`, summed over every process. The machine was shared with other
work: the load average is given with each run, and the figures are noisy.

## The runs

| instances | fast-lane processes | load before → after | requests | requests/s (mean) | ratio to 1 | shopper p99 (ms) | oversold | requests per instance CPU-second | requests/s per fast-lane process |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${rows
  .map(
    (x) =>
      `| ${x.r.instances} | ${x.lanes} | ${x.r.loadBefore[0]!.toFixed(1)} → ${x.r.loadAfter[0]!.toFixed(1)} | ${f(x.requests)} | ${f(x.rps)} | ${(x.rps / base.rps).toFixed(2)} | ${f(x.r.herd.summary.latencyMs.p99)} | ${x.r.herd.summary.invariant.ordersInPg > x.r.herd.config.stock ? "**yes**" : "no"} | ${f(x.perCore)} | ${f(x.perLane)} |`,
  )
  .join("\n")}

"Requests per instance CPU-second" is what one core serves when it is busy with the shop alone
(every process of the instances: fast lane, Next.js, their share of polls and checkout). The
requests/s a run reached is bounded by the herd: one client on the same two cores.

## Per shopper, by answer (the ${fleet.r.instances}-instance run)

| answer | shoppers | requests each (press and retries + what follows) | Redis round trips per press | SQL statements each |
| --- | --- | --- | --- | --- |
${KINDS.map(
  (k) =>
    `| ${k} | ${f(model.shoppers[k])} | ${model.requestsEach[k].toFixed(2)} | ${model.pressRedis[k].toFixed(3)} | ${model.sqlEach[k].toFixed(2)} |`,
).join("\n")}

Requests each: every shopper's presses (${model.pressesEach.toFixed(2)} on average, retries
included); a shopper who secured a unit also checks out (${model.checkoutsEach.toFixed(2)} requests), one
told "in line" watches its place (${model.watchesEach.toFixed(2)} reads of \`/me\`). Not counted: the sale's public
state (the herd's ${f(model.pollers)} pollers read it ${f(model.polls)} times), which is the same for everyone, CDN-cacheable
for a second and micro-cached by each instance, so it does not grow with the shoppers. Redis round trips per
press are the shop's own count (\`stampede_press_work\`): a "sold out" answered by the instance
itself makes none. SQL statements: the order's, per shopper who bought
(${f(model.sqlTotal)} statements in the run for ${f(model.orders)} orders).

Redis, all commands the server ran (\`INFO commandstats\`, the scripts' own calls included):
${f(sum(fleet.r.redisCalls))}, ${model.redisPerGrantRequest.toFixed(2)} per request that reached Redis. By name:
${Object.entries(fleet.r.redisCalls)
  .sort((a, b) => b[1] - a[1])
  .slice(0, 12)
  .map(([k, n]) => `\`${k}\` ${f(n)}`)
  .join(", ")}. Answers the shoppers got: ${kinds.map(([k, n]) => `${k} ${f(n)}`).join(", ")}.

## Sizing

The drop's requests are the per-answer figures above applied to its own answers: ${f(drop.units)}
secured, as many in line (the line is as long as the units), the rest sold out. They are counted as
if all came within the ${drop.seconds} s (the checkouts and line watching come later: an upper
bound). Shop cores: the ${fleet.r.instances}-instance run's requests per instance CPU-second, for its mix
of answers (more of its requests reach Redis than the drop's do, so this too is an upper bound);
Redis: the commands per request that reached Redis, for the drop's requests that do, against
${f(fleet.redisPerCpuSecond)} commands per Redis CPU-second (its CPU includes its housekeeping while the run
was quiet, so a lightly loaded run gives a low figure and more shards: a floor on what a shard
serves); boxes of ${boxCores} cores.

| drop | requests/s | shop cores | boxes (${boxCores} cores) | nginx cores | Redis commands/s | Redis shards |
| --- | --- | --- | --- | --- | --- | --- |
| ${f(drop.shoppers)} shoppers in ${drop.seconds} s, ${f(drop.units)} units (${f(dropRequests.total)} requests) | ${f(dropRps)} | ${f(forDrop.cores, 1)} | ${forDrop.boxes} | ${f(forDrop.nginxCores, 1)} | ${f(forDrop.redisPerSecond)} | ${forDrop.shards} |
| 80,000 requests/s (the drop's mix) | 80,000 | ${f(for80k.cores, 1)} | ${for80k.boxes} | ${f(for80k.nginxCores, 1)} | ${f(for80k.redisPerSecond)} | ${for80k.shards} |

One sale's gate keys share a hash tag, so one sale's grant scripts all run on one shard: more
shards carry more sales, not a bigger one. The drop above is one sale: its ${f(forDrop.redisPerSecond)} commands/s
would all go to one shard, ${(forDrop.redisPerSecond / fleet.redisPerCpuSecond).toFixed(1)} times what one Redis core served, so
**${forDrop.shards > 1 ? "one sale of this size does not fit one shard as the shop stands" : "it fits one shard"}**. Of its requests that reach
Redis, ${pct(dropWatchShare)} are the line's shoppers reading their place (\`/me\`), ${pct(dropPressShare)} are presses.
The per-request costs come from a herd of ${f(fleet.r.herd.summary.shoppers)} shoppers for ${f(fleet.r.herd.config.stock)} units.
`;
}

async function main() {
  const boxCores = Number(values["box-cores"]);
  if (values.run) {
    mkdirSync(REPORTS, { recursive: true });
    for (const n of values.instances.split(",").map(Number)) {
      console.log(`• herd against ${n} instance(s)`);
      const shoppers = Number(values.shoppers);
      const run = await measure(n, shoppers, Number(values.stock ?? Math.ceil(shoppers / 100)));
      const file = path.join(
        REPORTS,
        `capacity-${n}-${run.herd.createdAt.replace(/[:.]/g, "-")}.json`,
      );
      writeFileSync(file, JSON.stringify(run));
      console.log(`• ${file}`);
    }
  }
  const files = existsSync(REPORTS)
    ? readdirSync(REPORTS).filter((x) => /^capacity-\d+-.*\.json$/.test(x))
    : [];
  const newest = new Map<number, string>();
  for (const x of files.sort()) newest.set(Number(x.split("-")[1]), x);
  if (newest.size === 0) throw new Error(`no capacity reports in ${REPORTS}: run with --run`);
  const chosen = [...newest.entries()].sort((a, b) => a[0] - b[0]).map(([, x]) => x);
  const runs = chosen.map((x) => JSON.parse(readFileSync(path.join(REPORTS, x), "utf8")) as Run);
  writeFileSync(
    DOC,
    render(
      runs,
      chosen.map((x) => path.join(REPORTS, x)),
      boxCores,
    ),
  );
  console.log(`• ${DOC} written from ${chosen.join(", ")}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
