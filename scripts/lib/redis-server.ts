import { spawn, type ChildProcess } from "node:child_process";
import { waitForPort } from "./services";

/**
 * A private redis-server for one drill or test, on its own port and directory, never the machine's
 * shared Redis. With `aof` it persists as production would (append-only file, fsync every
 * second), so a restart finds what it had; `restart` stops it (SHUTDOWN, or SIGKILL for a crash)
 * and starts it again on the same port and directory.
 */

export type RedisServer = {
  readonly port: number;
  readonly url: string;
  /** Stops the server: "shutdown" saves the AOF (SIGTERM), "crash" is SIGKILL. */
  stop(how?: "shutdown" | "crash"): Promise<void>;
  start(): Promise<void>;
  isRunning(): boolean;
};

export async function startRedisServer(o: {
  port: number;
  dir: string;
  aof: boolean;
}): Promise<RedisServer> {
  const args = [
    "--bind",
    "127.0.0.1",
    "--port",
    String(o.port),
    "--dir",
    o.dir,
    "--save",
    "",
    "--appendonly",
    o.aof ? "yes" : "no",
    "--appendfsync",
    "everysec",
  ];
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  async function start() {
    const c = spawn("redis-server", args, { stdio: "ignore" });
    child = c;
    exited = new Promise<void>((r) => c.once("exit", () => r()));
    c.once("error", () => {}); // a missing binary surfaces as "nothing answered" below
    await waitForPort(o.port, 5_000);
  }

  async function stop(how: "shutdown" | "crash" = "shutdown") {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    c.kill(how === "crash" ? "SIGKILL" : "SIGTERM");
    await exited;
    child = undefined;
  }

  await start();
  return {
    port: o.port,
    url: `redis://127.0.0.1:${o.port}`,
    stop,
    start,
    isRunning: () => !!child && child.exitCode === null && child.signalCode === null,
  };
}
