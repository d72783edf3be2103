import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { encode } from "next-auth/jwt";
import pg from "pg";
import { createClient } from "redis";
import { Pool } from "undici";
import { issueTicket, ticketCookieName } from "@/lib/auth/lane-ticket";
import { laneTicket } from "@/bench/herd/http-client";
import { renderLanesTable, type LanesReport } from "@/bench/table/lanes";
import { prepareDb } from "@/scripts/lib/prepare-db";
import { waitForPort } from "@/scripts/lib/services";

/**
 * `npm run bench:lanes`: Buy Now requests/s and latency through five entry points, in one run
 * on this machine, on one Redis:
 *   fast    — server.ts's fast lane (node:http → lib/http/sale-api.ts), a sale with units left
 *   next    — the same server, the Next.js route handler (x-stampede-lane: next)
 *   ceiling — a bare node:http server doing only the grant script (bench/lanes/ceiling-server.ts)
 *   soldout — the fast lane, a sale whose every unit is sold: answered by the instance itself
 *   bare    — a bare node:http server answering the same fixed JSON (bench/lanes/bare-server.ts)
 * Every request is a different shopper (a session minted with the server's secret), so each one
 * does the full work: session decode, rate limit, grant, token (or, sold out, the session read
 * and the local answer). fast and next are compared with the ceiling, soldout with bare.
 * Needs a build (`npm run build`).
 */

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const REQUESTS = arg("requests", 20_000);
const CONNECTIONS = arg("connections", 64);
const ROUNDS = arg("rounds", 3);
/** Requests each lane serves, unmeasured, before its first round: V8 optimises hot code only
 * after many calls, and a lane with more code needs more of them. */
const WARMUP = arg("warmup", 20_000);
const BASE_LANES = ["ceiling", "fast", "next", "bare", "soldout"] as const;
/**
 * `--processes 1,2`: Buy Now also against a server.ts running that many fast-lane processes
 * (FAST_LANE_PROCESSES) for each count, as lanes "fast×1", "fast×2", in the same run. The
 * "fast" and "next" lanes run on a server.ts with one fast-lane process.
 */
const PROCESSES = (() => {
  const i = process.argv.indexOf("--processes");
  return i === -1
    ? []
    : String(process.argv[i + 1])
        .split(",")
        .map(Number);
})();
const processLane = (k: number) => `fast×${k}`;
const processPort = (k: number) => 3910 + k;
const ALL_LANES: string[] = [...BASE_LANES, ...PROCESSES.map(processLane)];
/** What each lane is compared with, round by round (the fast-lane process counts: the ceiling). */
const BASELINE: Record<string, string> = {
  fast: "ceiling",
  next: "ceiling",
  ceiling: "ceiling",
  soldout: "bare",
  bare: "bare",
};
const baselineOf = (lane: string) => BASELINE[lane] ?? "ceiling";
/** `--lanes soldout,bare` runs only those (e.g. while profiling one); all by default. */
const LANES: string[] = (() => {
  const i = process.argv.indexOf("--lanes");
  return i === -1 ? ALL_LANES : String(process.argv[i + 1]).split(",");
})();
/**
 * `--returning`: before a lane's measured requests, each of their shoppers asks that lane for
 * its own state once (GET /me, unmeasured), as the sale panel of a signed-in shopper does when
 * the page opens. The press then comes from a shopper whose session the lane has read before.
 * Without it (the default), every press is the shopper's first request: the worst case.
 */
const RETURNING = process.argv.includes("--returning");
/**
 * `--ticket`: each shopper's cookie also carries a lane ticket for its session
 * (lib/auth/lane-ticket.ts), as a browser's does once its sale panel has read /me on any
 * instance of the shop. The lane has still never seen the shopper: the press is verified by the
 * ticket's HMAC instead of a decrypt. Without it, a press carries the session alone.
 */
const TICKET = process.argv.includes("--ticket");
/** `--profile DIR`: server.ts runs under `node --cpu-prof`, the profile lands in DIR on exit. */
const PROFILE_DIR = (() => {
  const i = process.argv.indexOf("--profile");
  return i === -1 ? null : String(process.argv[i + 1]);
})();
/** `--port N`: server.ts listens on N, the ceiling on N + 1, the bare server on N + 2. */
const PORT = arg("port", 3900);
const CEILING_PORT = PORT + 1;
const BARE_PORT = PORT + 2;
const adminUrl = process.env.TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const dbName = `stampede_lanes_${PORT}`;
const secrets = {
  AUTH_SECRET: "lanes-bench-auth-secret-0123456789abcdefghijkl",
  TOKEN_SECRET: "lanes-bench-token-secret-0123456789abcdefghijk",
};

/** A process and its descendants (tsx runs the server in a child, server.ts forks Next.js). */
function processTree(pid: number): number[] {
  const pids = [pid];
  for (let i = 0; i < pids.length; i++) {
    try {
      for (const t of readdirSync(`/proc/${pids[i]}/task`))
        for (const c of readFileSync(`/proc/${pids[i]}/task/${t}/children`, "utf8").split(" "))
          if (c.trim()) pids.push(Number(c));
    } catch {
      // the process is gone
    }
  }
  return pids;
}

/** Sums a figure read from each process of the tree; a process gone meanwhile counts 0. */
function sumOverTree(pid: number | undefined, read: (p: number) => number): number {
  if (!pid) return NaN;
  let total = 0;
  for (const p of processTree(pid)) {
    try {
      total += read(p);
    } catch {
      // the process is gone
    }
  }
  return total;
}

/** CPU time (µs) used so far by a process and its descendants. */
const cpuMicros = (pid: number | undefined): number =>
  sumOverTree(pid, (p) => {
    const stat = readFileSync(`/proc/${p}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) * (1e6 / 100); // utime + stime, USER_HZ ticks
  });

/** Resident memory (MiB) of a process and its descendants. */
const rssMiB = (pid: number | undefined): number =>
  sumOverTree(pid, (p) => {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, "utf8"));
    return Number(m?.[1] ?? 0) / 1024;
  });

/** The Redis server's pid, when it runs on this machine (its CPU is part of every lane's cost). */
let redisPid: number | undefined;

type Result = {
  lane: string;
  /** CPU the answering server process used per request (µs): the cost the lane itself adds. */
  serverCpuUs: number;
  /** Resident memory of the answering server (and its children) after the round, MiB. */
  serverRssMiB: number;
  /** CPU this benchmark's own process (the client) used per request (µs). */
  clientCpuUs: number;
  /** CPU the Redis server used per request (µs). */
  redisCpuUs: number;
  round: number;
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  other: Record<string, number>;
};

const pct = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0;

function load(
  lane: string,
  round: number,
  url: string,
  extra: Record<string, string>,
  serverPid: number | undefined,
  meUrl?: string,
): (requests: Array<Record<string, string>>) => Promise<Result> {
  return async (requests) => {
    if (RETURNING && meUrl) await visit(meUrl, requests, extra);
    const headersFor = (i: number) => ({ ...requests[i]!, ...extra });
    return measure(lane, round, url, headersFor, serverPid, requests.length);
  };
}

/** Requests 0 … count-1, CONNECTIONS at a time (one per keep-alive connection of the pool). */
async function drive(count: number, one: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (next < count) await one(next++);
    }),
  );
}

/**
 * One unmeasured GET per shopper (see --returning). Like a browser, the shopper keeps the lane
 * ticket the answer sets, and sends it with the press.
 */
async function visit(
  url: string,
  requests: Array<Record<string, string>>,
  extra: Record<string, string>,
) {
  const u = new URL(url);
  const pool = new Pool(u.origin, { connections: CONNECTIONS, pipelining: 1 });
  await drive(requests.length, async (i) => {
    const res = await pool.request({
      path: u.pathname,
      method: "GET",
      headers: { ...requests[i]!, ...extra },
    });
    await res.body.dump();
    if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode}`);
    const set = res.headers["set-cookie"];
    const ticket = set === undefined ? undefined : laneTicket(set);
    if (ticket) requests[i]!.cookie += `; ${ticket}`;
  });
  await pool.close();
}

async function measure(
  lane: string,
  round: number,
  url: string,
  headersFor: (i: number) => Record<string, string>,
  serverPid: number | undefined,
  count: number,
): Promise<Result> {
  const cpuBefore = cpuMicros(serverPid);
  const clientBefore = process.cpuUsage();
  const redisBefore = cpuMicros(redisPid);
  const u = new URL(url);
  const pool = new Pool(u.origin, { connections: CONNECTIONS, pipelining: 1 });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const started = performance.now();
  await drive(count, async (i) => {
    const t = performance.now();
    const res = await pool.request({ path: u.pathname, method: "POST", headers: headersFor(i) });
    const body = (await res.body.json().catch(() => ({}))) as { status?: string; s?: string };
    latencies.push(performance.now() - t);
    const key = `${res.statusCode}:${body.status ?? body.s ?? "?"}`;
    statuses[key] = (statuses[key] ?? 0) + 1;
  });
  const seconds = (performance.now() - started) / 1000;
  const serverCpuUs = (cpuMicros(serverPid) - cpuBefore) / count;
  const client = process.cpuUsage(clientBefore);
  const clientCpuUs = (client.user + client.system) / count;
  const redisCpuUs = (cpuMicros(redisPid) - redisBefore) / count;
  const serverRssMiB = rssMiB(serverPid);
  await pool.close();
  latencies.sort((a, b) => a - b);
  const ok =
    (statuses["200:secured"] ?? 0) +
    (statuses["200:sold_out"] ?? 0) +
    (statuses["200:in_line"] ?? 0);
  return {
    lane,
    serverCpuUs,
    clientCpuUs,
    redisCpuUs,
    serverRssMiB,
    round,
    rps: count / seconds,
    p50: pct(latencies, 0.5),
    p99: pct(latencies, 0.99),
    ok,
    other: statuses,
  };
}

async function main() {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  {
    const probe = createClient({ url: process.env.REDIS_URL ?? "redis://127.0.0.1:6379", RESP: 2 });
    await probe.connect();
    const info = await probe.info("server");
    await probe.quit();
    const pid = Number(/process_id:(\d+)/.exec(info)?.[1]);
    redisPid = Number.isFinite(pid) && readdirSync("/proc").includes(String(pid)) ? pid : undefined;
  }
  await admin.query(`drop database if exists "${dbName}" with (force)`);
  await admin.query(`create database "${dbName}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...secrets,
    NODE_ENV: "production",
    DATABASE_URL: url.toString(),
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    REDIS_PREFIX: `lanes${Date.now().toString(36)}:`,
    LOG_LEVEL: "error",
    AUTH_TRUST_HOST: "true",
    ALLOW_LANE_OVERRIDE: "1", // the "next" lane is reached with x-stampede-lane: next
  };
  await prepareDb(env, { withSeed: true });
  const db = new pg.Client({ connectionString: env.DATABASE_URL });
  await db.connect();
  const { rows } = await db.query(
    `insert into sales (product_id, starts_at, ends_at, stock, per_shopper_limit, hold_seconds)
     select id, now() - interval '1 minute', now() + interval '1 hour', 10000000, 1, 900 from products where slug = 'pulse-speaker' returning id`,
  );
  const saleId = rows[0].id as string;
  // Every unit sold: stock 1, sold 1 (arming takes sold units from PostgreSQL).
  const soldOut = await db.query(
    `insert into sales (product_id, starts_at, ends_at, stock, sold, per_shopper_limit, hold_seconds)
     select id, now() - interval '1 minute', now() + interval '1 hour', 1, 1, 1, 900 from products where slug = 'pulse-speaker' returning id`,
  );
  const soldOutId = soldOut.rows[0].id as string;
  await db.end();

  const children: ChildProcess[] = [];
  const tsx = path.join("node_modules", ".bin", "tsx");
  const run = (script: string, extra: Record<string, string>) =>
    PROFILE_DIR
      ? spawn(
          "node",
          [
            "--cpu-prof",
            `--cpu-prof-dir=${PROFILE_DIR}/${path.basename(script, ".ts")}`,
            "--import",
            "tsx",
            script,
          ],
          { env: { ...env, ...extra }, stdio: "ignore" },
        )
      : spawn(tsx, [script], { env: { ...env, ...extra }, stdio: "ignore" });
  children.push(
    run("server.ts", { PORT: String(PORT), HOST: "127.0.0.1", FAST_LANE_PROCESSES: "1" }),
  );
  children.push(
    run("bench/lanes/ceiling-server.ts", { PORT: String(CEILING_PORT), SALE_ID: saleId }),
  );
  children.push(run("bench/lanes/bare-server.ts", { PORT: String(BARE_PORT) }));
  for (const k of PROCESSES)
    children.push(
      run("server.ts", {
        PORT: String(processPort(k)),
        HOST: "127.0.0.1",
        FAST_LANE_PROCESSES: String(k),
      }),
    );
  try {
    await waitForPort(PORT, 180_000);
    await waitForPort(CEILING_PORT, 30_000);
    await waitForPort(BARE_PORT, 30_000);
    for (const k of PROCESSES) {
      await waitForPort(processPort(k), 120_000);
      await (await fetch(`http://127.0.0.1:${processPort(k)}/api/sales/${saleId}`)).arrayBuffer();
    }
    // Arm the sales; the sold-out one's state read teaches the fast lane it has nothing left.
    await fetch(`http://127.0.0.1:${PORT}/api/sales/${saleId}`);
    const soldOutState = (await (
      await fetch(`http://127.0.0.1:${PORT}/api/sales/${soldOutId}`)
    ).json()) as { status?: string };
    if (soldOutState.status !== "sold_out")
      throw new Error(`the sold-out sale is ${String(soldOutState.status)}`);
    // A live shop is browsed while Buy Now is pressed: serve pages first, so the server runs with
    // everything a page turns on (Next.js's AsyncLocalStorage stores tax every promise after that).
    for (const page of ["/", "/products/pulse-speaker"]) {
      const res = await fetch(`http://127.0.0.1:${PORT}${page}`);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${page} answered ${res.status}`);
    }
    console.log(
      "page",
      (await fetch(`http://127.0.0.1:${PORT}/`)).status,
      (await fetch(`http://127.0.0.1:${PORT}/products/pulse-speaker`)).status,
    );

    const results: Result[] = [];
    const token = `http://127.0.0.1:${PORT}/api/sales/${saleId}/token`;
    const me = `http://127.0.0.1:${PORT}/api/sales/${saleId}/me`;
    const soldOutToken = `http://127.0.0.1:${PORT}/api/sales/${soldOutId}/token`;
    const soldOutMe = `http://127.0.0.1:${PORT}/api/sales/${soldOutId}/me`;
    /**
     * Every lane gets the very same requests — a session cookie and, for the ceiling, which
     * reads no cookie, the same shopper's id in `x-user` — so the client's work and the bytes
     * each server parses are the same, and only what the server does with them differs. Fresh
     * shoppers for every lane and round (and the warm-up): nobody is rate limited, nobody
     * already holds a unit, every grant does the whole work.
     */
    const shoppers = async (n: number, ticket: boolean) =>
      Promise.all(
        Array.from({ length: n }, async () => {
          const sub = randomUUID();
          const value = await encode({
            token: { sub, role: "shopper" },
            secret: secrets.AUTH_SECRET,
            salt: "authjs.session-token",
            maxAge: 3600,
          });
          const name = "authjs.session-token";
          let cookie = `${name}=${value}`;
          if (ticket) {
            const t = issueTicket(
              { id: sub, role: "shopper" },
              name,
              value,
              secrets.AUTH_SECRET,
              Date.now() / 1000 + 3600,
            );
            if (!t) throw new Error("no ticket for a minted session");
            cookie += `; ${ticketCookieName(name)}=${t.value}`;
          }
          return { cookie, "x-user": sub };
        }),
      );
    /**
     * Whose cookies carry a minted ticket: everyone's with --ticket; with --returning the
     * ceiling's too, so its requests are as long as the other lanes', whose shoppers get their
     * ticket from /me.
     */
    const mintsTicket = (lane: string) =>
      TICKET || (RETURNING && (lane === "ceiling" || lane === "bare"));
    const laneRuns = (round: number) =>
      [
        [
          "ceiling",
          load("ceiling", round, `http://127.0.0.1:${CEILING_PORT}/`, {}, children[1]!.pid),
        ],
        ["fast", load("fast", round, token, {}, children[0]!.pid, me)],
        ["next", load("next", round, token, { "x-stampede-lane": "next" }, children[0]!.pid, me)],
        ["bare", load("bare", round, `http://127.0.0.1:${BARE_PORT}/`, {}, children[2]!.pid)],
        ["soldout", load("soldout", round, soldOutToken, {}, children[0]!.pid, soldOutMe)],
        ...PROCESSES.map((k, j) => {
          const sale = `http://127.0.0.1:${processPort(k)}/api/sales/${saleId}`;
          const pid = children[3 + j]!.pid;
          return [
            processLane(k),
            load(processLane(k), round, `${sale}/token`, {}, pid, `${sale}/me`),
          ] as const;
        }),
      ] as const;
    if (WARMUP > 0) {
      for (const [lane, run] of laneRuns(0)) {
        if (!LANES.includes(lane)) continue;
        const r = await run(await shoppers(WARMUP, mintsTicket(lane)));
        console.log(
          `warm-up ${lane.padEnd(8)} ${r.rps.toFixed(0).padStart(6)} req/s  server CPU ${r.serverCpuUs.toFixed(0)} µs/req (not counted)`,
        );
      }
    }
    for (let round = 1; round <= ROUNDS; round++) {
      // Every other round runs the lanes in the reverse order, so no lane always follows another.
      const order = round % 2 === 1 ? laneRuns(round) : [...laneRuns(round)].reverse();
      for (const [lane, run] of order) {
        if (!LANES.includes(lane)) continue;
        const r = await run(await shoppers(REQUESTS, mintsTicket(lane)));
        results.push(r);
        console.log(
          `round ${round} ${lane.padEnd(8)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  CPU µs/req: server ${r.serverCpuUs.toFixed(0)}, client ${r.clientCpuUs.toFixed(0)}, redis ${r.redisCpuUs.toFixed(0)}  server RSS ${r.serverRssMiB.toFixed(0)} MiB  ${JSON.stringify(r.other)}`,
        );
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const lanes = ALL_LANES.filter((lane) => LANES.includes(lane)).map((lane) => {
      const rs = results.filter((r) => r.lane === lane);
      // The machine's speed drifts between rounds; a lane and the ceiling measured in the same
      // round are compared with each other, and the median of those shares is reported too.
      const shares = rs.flatMap((r) => {
        const c = results.find((x) => x.lane === baselineOf(lane) && x.round === r.round);
        return c ? [r.rps / c.rps] : [];
      });
      return {
        lane,
        against: baselineOf(lane),
        roundShare: shares.length ? median(shares) : NaN,
        rps: median(rs.map((r) => r.rps)),
        p50: median(rs.map((r) => r.p50)),
        p99: median(rs.map((r) => r.p99)),
        cpu: median(rs.map((r) => r.serverCpuUs)),
      };
    });
    const report: LanesReport = {
      requests: REQUESTS,
      warmup: WARMUP,
      connections: CONNECTIONS,
      returning: RETURNING,
      ticket: TICKET,
      results,
      lanes,
    };
    console.log(`\n${renderLanesTable(report)}`);
    const dir = path.join("bench", "reports");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, `${new Date().toISOString().replace(/[:.]/g, "-")}-lanes.json`),
      JSON.stringify(report, null, 2),
    );
  } finally {
    for (const c of children) c.kill("SIGTERM");
    const redis = createClient({ url: env.REDIS_URL, RESP: 2 });
    await redis.connect();
    for await (const batch of redis.scanIterator({ MATCH: `${env.REDIS_PREFIX}*`, COUNT: 1000 }))
      if (batch.length) await redis.del(batch);
    await redis.quit();
    await admin.query(`drop database if exists "${dbName}" with (force)`).catch(() => {});
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
