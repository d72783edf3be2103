import { fork, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { localSecrets } from "@/lib/env";
import { startMailCatcher, type MailCatcher } from "./mail-catcher";

/**
 * Start-up helpers shared by the scripts: a private Redis, embedded PGlite, a mail catcher,
 * waiting on ports.
 */

const dataDir = path.join(process.cwd(), ".data");

export function portOpen(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.setTimeout(500);
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => (socket.destroy(), resolve(false)));
  });
}

export async function waitForPort(
  port: number,
  timeoutMs: number,
  host = "127.0.0.1",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await portOpen(port, host)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing answered on ${host}:${port} within ${timeoutMs} ms`);
}

async function freePort(from: number): Promise<number> {
  for (let port = from; port < from + 100; port++) if (!(await portOpen(port))) return port;
  throw new Error(`no free port in ${from}..${from + 99}`);
}

/**
 * Redis has no embedded form that runs Lua, so with no REDIS_URL / Upstash settings we start a
 * private redis-server from PATH (own port, data in .data/redis) and stop it when we exit. It
 * binds to loopback and requires `password` (REDIS_PASSWORD of .data/secrets.json): any local
 * user or a browser page speaking to 127.0.0.1 could otherwise read and rewrite the gate. The
 * password goes in a config file only the owner can read, not on the command line, which `ps`
 * shows to everyone.
 */
export async function ensureRedis(
  env: NodeJS.ProcessEnv,
): Promise<{ url?: string; child?: ChildProcess; shown?: string }> {
  if (env.REDIS_URL || env.UPSTASH_REDIS_REST_URL) return {};
  const which = spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" });
  if (which.status !== 0) {
    throw new Error(
      "Stampede needs Redis (the gate runs Lua scripts in it) and none is configured.\n" +
        "  Either set REDIS_URL=redis://host:port (or UPSTASH_REDIS_REST_URL + UPSTASH_REDIS_REST_TOKEN),\n" +
        "  or install redis-server so the shop can start a private one:\n" +
        "    Debian/Ubuntu: sudo apt-get install -y redis-server    macOS: brew install redis",
    );
  }
  const port = await freePort(6390);
  const dir = path.join(dataDir, "redis");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const password = env.REDIS_PASSWORD ?? localSecrets().REDIS_PASSWORD;
  const conf = path.join(dir, "redis.conf");
  writeFileSync(conf, `requirepass ${password}\n`, { mode: 0o600 });
  chmodSync(conf, 0o600);
  const child = spawn(
    "redis-server",
    [
      conf,
      "--bind",
      "127.0.0.1",
      "--port",
      String(port),
      "--dir",
      dir,
      "--save",
      "",
      "--appendonly",
      "yes",
      "--appendfsync",
      "everysec",
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  await waitForPort(port, 5_000);
  return {
    url: `redis://:${encodeURIComponent(password)}@127.0.0.1:${port}`,
    child,
    /** For the console: the password stays in .data/secrets.json. */
    shown: `redis://127.0.0.1:${port} (password: REDIS_PASSWORD in .data/secrets.json)`,
  };
}

/**
 * With no DATABASE_URL, embedded PGlite (in PGLITE_DIR) behind a socket of its own
 * (scripts/pglite-server.ts): the URL to give every process, and the server to stop on exit.
 */
export async function ensureDatabase(
  env: NodeJS.ProcessEnv,
): Promise<{ url?: string; child?: ChildProcess }> {
  if (env.DATABASE_URL) return {};
  const dir = env.PGLITE_DIR ?? path.join(dataDir, "pglite");
  const child = fork(path.join(process.cwd(), "scripts", "pglite-server.ts"), ["--dir", dir], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    // Creating a fresh data directory takes PGlite seconds, and over a minute on a busy machine.
    // It is never killed for being slow: a data directory cut off mid-creation does not start.
    const timer = setTimeout(() => console.log(`• PGlite is still starting (${dir})…`), 30_000);
    child.once("message", (m: { ready?: string }) => {
      clearTimeout(timer);
      if (m.ready) resolve(m.ready);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`PGlite exited before it served (${code})`));
    });
  });
  return { url, child };
}

/**
 * With no SMTP server configured (SMTP_URL / SMTP_HOST), a mail catcher in this process on
 * loopback (SMTP on 1025 and the reader on 1080, or the next free ports; messages also in
 * .data/mail): receipts are sent to it and read in the browser, never delivered to anyone.
 */
export async function ensureMail(
  env: NodeJS.ProcessEnv,
): Promise<{ catcher?: MailCatcher; smtpUrl?: string }> {
  if (env.SMTP_URL || env.SMTP_HOST) return {};
  const catcher = await startMailCatcher({
    smtpPort: await freePort(1025),
    httpPort: await freePort(1080),
    dir: path.join(dataDir, "mail"),
  });
  return { catcher, smtpUrl: catcher.smtpUrl };
}
