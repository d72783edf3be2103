import cluster, { type Worker } from "node:cluster";
import type { MetricsJson } from "@/lib/metrics/endpoint";

/**
 * server.ts's fast lane in several processes (node:cluster): they share the port, and the
 * primary keeps them running. A scrape of /api/metrics lands on one of them, which asks the
 * primary for every process's share (each fast-lane process's and the Next.js process's); the
 * answer is summed as one instance (lib/metrics/endpoint.ts).
 */

type Ask = { type: "stampede:ask"; id: number; what: "instance-metrics" | "own-metrics" };
type Answer = { type: "stampede:answer"; id: number; result?: unknown; error?: string };
type Message = Ask | Answer;

const ASK_TIMEOUT_MS = 5_000;
const isMessage = (m: unknown): m is Message =>
  typeof m === "object" && m !== null && String((m as Message).type).startsWith("stampede:");

/** Questions over one IPC channel, each settled by the answer carrying its id. */
function asker(send: (m: Ask) => void) {
  const pending = new Map<number, (a: Answer) => void>();
  let nextId = 1;
  return {
    ask<T>(what: Ask["what"]): Promise<T> {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`no answer to ${what} in ${ASK_TIMEOUT_MS} ms`));
        }, ASK_TIMEOUT_MS);
        pending.set(id, (a) => {
          clearTimeout(timer);
          if (a.error !== undefined) reject(new Error(a.error));
          else resolve(a.result as T);
        });
        send({ type: "stampede:ask", id, what });
      });
    },
    settle(a: Answer) {
      pending.get(a.id)?.(a);
      pending.delete(a.id);
    },
  };
}

function answer(send: (m: Answer) => void, id: number, work: Promise<unknown>) {
  work.then(
    (result) => send({ type: "stampede:answer", id, result }),
    (error: unknown) =>
      send({
        type: "stampede:answer",
        id,
        error: error instanceof Error ? error.message : String(error),
      }),
  );
}

export type LaneProcesses = { ready: Promise<void>; stop(): Promise<void> };

/** In the primary: `count` fast-lane processes, each replaced if it dies. */
export function startLaneProcesses(o: {
  count: number;
  env: Record<string, string>;
  nextMetrics: () => Promise<MetricsJson>;
  log: (message: string) => void;
}): LaneProcesses {
  const askers = new Map<Worker, ReturnType<typeof asker>>();
  let stopping = false;

  const shares = (): Promise<MetricsJson[]> =>
    Promise.all([
      ...[...askers.values()].map((a) => a.ask<MetricsJson>("own-metrics")),
      o.nextMetrics(),
    ]);

  function start(): Promise<void> {
    const worker = cluster.fork(o.env);
    const a = asker((m) => worker.send(m));
    askers.set(worker, a);
    worker.on("message", (m: unknown) => {
      if (!isMessage(m)) return;
      if (m.type === "stampede:answer") return a.settle(m);
      answer((r) => worker.send(r), m.id, shares());
    });
    worker.on("exit", (code, signal) => {
      askers.delete(worker);
      if (stopping) return;
      o.log(`fast-lane process ${worker.process.pid} exited (${signal ?? code}); starting another`);
      setTimeout(() => void start().catch(() => {}), 500);
    });
    return new Promise((resolve, reject) => {
      worker.once("listening", () => resolve());
      worker.once("exit", () => reject(new Error("a fast-lane process exited before it listened")));
    });
  }

  const ready = Promise.all(Array.from({ length: o.count }, start)).then(() => {});

  async function stop() {
    stopping = true;
    await Promise.all(
      [...askers.keys()].map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.isDead()) return resolve();
            const force = setTimeout(() => w.process.kill("SIGKILL"), 10_000);
            w.once("exit", () => (clearTimeout(force), resolve()));
            w.process.kill("SIGTERM");
          }),
      ),
    );
  }
  return { ready, stop };
}

/** In a fast-lane process: answers the primary's asks for its share; asks for the instance's. */
export function laneProcess(ownMetrics: () => Promise<MetricsJson>) {
  const send = (m: Message) => process.send?.(m);
  const a = asker(send);
  process.on("message", (m: unknown) => {
    if (!isMessage(m)) return;
    if (m.type === "stampede:answer") return a.settle(m);
    answer(send, m.id, ownMetrics());
  });
  return { instanceMetrics: () => a.ask<MetricsJson[]>("instance-metrics") };
}
