import { spawn, type ChildProcess } from "node:child_process";
import { startBalancer, type Balancer } from "./balancer";

/**
 * Many instances of the shop on one machine: N web instances (server.ts, or any entry with the
 * same contract), K dedicated outbox workers (scripts/worker.ts) and the balancer in front.
 * Used by `npm run cluster` and by the fault drills (bench/drills), which kill and restart parts.
 * Every process is started straight with `node --import tsx` (no npx in between), so a signal
 * reaches the process it is meant for.
 */

export type Proc = {
  readonly name: string;
  readonly child: ChildProcess;
  readonly port?: number;
  /** Resolves with the exit code (or the signal's name) once the process has exited. */
  readonly exited: Promise<number | string>;
  kill(signal?: NodeJS.Signals): Promise<void>;
};

export type ClusterOptions = {
  /** Environment of every process: DATABASE_URL, REDIS_URL, REDIS_PREFIX, secrets, … */
  env: NodeJS.ProcessEnv;
  instances: number;
  /** The balancer's port (0: any free port). */
  port: number;
  /** The first instance's port; the others follow. */
  instancePort: number;
  workers: number;
  /** The web instance's entry file (default server.ts). */
  entry?: string;
  workerArgs?: string[];
  /** "inherit" to see the processes' output, "ignore" to drop it (default). */
  stdio?: "inherit" | "ignore";
  startTimeoutMs?: number;
  log?: (message: string) => void;
};

export type Cluster = {
  readonly url: string;
  readonly balancer: Balancer;
  readonly instances: Proc[];
  readonly workers: Proc[];
  /** (Re)starts instance i on its port and waits until it answers. */
  startInstance(i: number): Promise<Proc>;
  /** Starts one more outbox worker. */
  startWorker(args?: string[]): Proc;
  stop(): Promise<void>;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function spawnProc(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  o: { port?: number; stdio?: "inherit" | "ignore" } = {},
): Proc {
  const child = spawn(process.execPath, ["--import", "tsx", ...args], {
    env,
    stdio: ["ignore", o.stdio ?? "ignore", o.stdio ?? "ignore"],
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown")),
  );
  return {
    name,
    child,
    port: o.port,
    exited,
    async kill(signal = "SIGTERM") {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const done = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
      if (!done) {
        child.kill("SIGKILL");
        await exited;
      }
    },
  };
}

/** Waits until GET {url}/api/health answers at all (200 or 503: the process is serving). */
export async function waitForServing(url: string, proc: Proc, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null)
      throw new Error(`${proc.name} exited before it served (${await proc.exited})`);
    try {
      const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2_000) });
      await res.body?.cancel();
      return;
    } catch {
      await sleep(200);
    }
  }
  throw new Error(`${proc.name} did not answer on ${url} within ${timeoutMs} ms`);
}

export async function startCluster(o: ClusterOptions): Promise<Cluster> {
  const log = o.log ?? (() => {});
  const entry = o.entry ?? "server.ts";
  const startTimeoutMs = o.startTimeoutMs ?? 90_000;
  const instances: Proc[] = [];
  const workers: Proc[] = [];
  let workerSeq = 0;
  let balancer: Balancer | undefined;

  async function startInstance(i: number): Promise<Proc> {
    const port = o.instancePort + i;
    const env = {
      ...o.env,
      HOST: "127.0.0.1",
      PORT: String(port),
      // The dedicated workers write the orders; web instances only serve.
      OUTBOX_WORKER: "off",
      // The balancer in front (scripts/lib/balancer.ts) appends the client to X-Forwarded-For.
      TRUSTED_PROXIES: o.env.TRUSTED_PROXIES ?? "127.0.0.1",
    };
    const proc = spawnProc(`instance ${i + 1} (:${port})`, [entry], env, {
      port,
      stdio: o.stdio,
    });
    instances[i] = proc;
    await waitForServing(`http://127.0.0.1:${port}`, proc, startTimeoutMs);
    log(`${proc.name} serving`);
    return proc;
  }

  function startWorker(args: string[] = o.workerArgs ?? []): Proc {
    const name = `worker ${++workerSeq}`;
    const proc = spawnProc(name, ["scripts/worker.ts", ...args], o.env, { stdio: o.stdio });
    workers.push(proc);
    log(`${name} started`);
    return proc;
  }

  async function stop() {
    await balancer?.close();
    await Promise.all([...instances, ...workers].map((p) => p?.kill("SIGTERM")));
  }

  try {
    await Promise.all(Array.from({ length: o.instances }, (_, i) => startInstance(i)));
    for (let k = 0; k < o.workers; k++) startWorker();
    balancer = await startBalancer({
      port: o.port,
      upstreams: instances.map((p) => ({ host: "127.0.0.1", port: p.port! })),
    });
  } catch (error) {
    await stop();
    throw error;
  }
  log(`balancer on ${balancer.url} → ${instances.map((p) => p.port).join(", ")}`);
  return { url: balancer.url, balancer, instances, workers, startInstance, startWorker, stop };
}
