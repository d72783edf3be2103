import { fork, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { MetricsJson } from "@/lib/metrics/endpoint";

/**
 * server.ts's fast-lane processes own the port and answer the hot sale routes; a Next.js
 * process (next-server.ts) serves everything else on a local socket. The split is the
 * bulkhead: a page render cannot stall Buy Now's event loop, and Buy Now runs without Next.js's
 * AsyncLocalStorage stores, which once on make every promise in their process dearer.
 * server.ts asks the Next.js process for its metrics over the fork's IPC channel.
 */

export type ChildAsk = { type: "metrics"; id: number };
export type ChildReply =
  { type: "ready" } | { type: "answer"; id: number; result?: unknown; error?: string };

export type NextProcess = {
  socketPath: string;
  child: ChildProcess;
  /** Resolves once Next.js listens; rejects if it exits first. */
  ready: Promise<void>;
  metrics(): Promise<MetricsJson>;
  stop(): Promise<void>;
};

/** How long an ask may take before it fails (metrics are in memory, but for two Redis reads). */
const ASK_TIMEOUT_MS = 5_000;

export function startNextProcess(entry: string): NextProcess {
  const socketPath = path.join(os.tmpdir(), `stampede-next-${process.pid}.sock`);
  rmSync(socketPath, { force: true });
  // The same node flags (tsx's loader, --cpu-prof when profiling), the same environment.
  const child = fork(entry, [], { env: { ...process.env, STAMPEDE_NEXT_SOCKET: socketPath } });
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let nextId = 1;

  const ready = new Promise<void>((resolve, reject) => {
    child.on("message", (m: ChildReply) => {
      if (m.type === "ready") return resolve();
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.error !== undefined) p.reject(new Error(`next-server: ${m.error}`));
      else p.resolve(m.result);
    });
    child.on("exit", (code, signal) => {
      reject(new Error(`Next.js exited before it was ready (${signal ?? code})`));
      for (const p of pending.values()) p.reject(new Error("Next.js process exited"));
      pending.clear();
    });
  });

  function ask<T>(message: { type: "metrics" }): Promise<T> {
    if (!child.connected) return Promise.reject(new Error("Next.js process is not running"));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`next-server: no answer to ${message.type} in ${ASK_TIMEOUT_MS} ms`));
      }, ASK_TIMEOUT_MS);
      pending.set(id, {
        resolve: (v) => (clearTimeout(timer), resolve(v as T)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      child.send({ ...message, id } satisfies ChildAsk);
    });
  }

  function stop(): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
      child.once("exit", () => {
        clearTimeout(force);
        rmSync(socketPath, { force: true });
        resolve();
      });
      child.kill("SIGTERM");
    });
  }

  return {
    socketPath,
    child,
    ready,
    metrics: () => ask({ type: "metrics" }),
    stop,
  };
}
