import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { waitForPort } from "./services";

/**
 * nginx from Debian as the cluster's one entry point (`npm run cluster`, the drills): installed
 * when missing, configured from scripts/nginx/stampede.conf.template, run in the foreground with
 * its own prefix (config, pid, logs, temp files) and port. Stopped with the cluster.
 */

const TEMPLATE = path.join(process.cwd(), "scripts", "nginx", "stampede.conf.template");

export type NginxOptions = {
  /** Where its config, pid, logs and temp files go (created; e.g. .data/nginx-3000). */
  prefix: string;
  port: number;
  host?: string;
  upstreams: { host: string; port: number }[];
  /** Write one line per request to <prefix>/access.log (the drills read it). */
  accessLog?: boolean;
  workerProcesses?: number | "auto";
};

export type Nginx = {
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Lines of the access log so far (with accessLog). */
  accessLog(): AccessLine[];
  stop(): Promise<void>;
};

export type AccessLine = {
  /** When nginx finished the request (ms since the epoch). */
  at: number;
  /** When nginx began reading it ($msec less $request_time). */
  startedAt: number;
  status: number;
  method: string;
  uri: string;
  /** The instances tried, in order ("127.0.0.1:3001"); two when it went on to another. */
  upstreams: string[];
  /** What each try got (502: refused or reset; 504: timed out). */
  upstreamStatuses: number[];
};

/** The nginx binary, installed from Debian (nginx-light) when there is none. */
export function nginxBinary(): string {
  const which = () =>
    spawnSync("sh", ["-c", "command -v nginx || ls /usr/sbin/nginx"], {
      encoding: "utf8",
    });
  let found = which();
  if (found.status !== 0 && process.getuid?.() === 0 && existsSync("/usr/bin/apt-get")) {
    console.log("• nginx not found: apt-get install -y nginx-light");
    spawnSync("apt-get", ["update"], { stdio: "inherit" });
    spawnSync("apt-get", ["install", "-y", "--no-install-recommends", "nginx-light"], {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    found = which();
  }
  if (found.status !== 0) {
    throw new Error(
      "The cluster's entry point is nginx, and none is installed.\n" +
        "  Debian/Ubuntu: sudo apt-get install -y nginx-light    macOS: brew install nginx",
    );
  }
  return found.stdout.trim().split("\n")[0]!;
}

export function renderConfig(o: NginxOptions): string {
  const values: Record<string, string> = {
    prefix: path.resolve(o.prefix),
    listen: `${o.host ?? "127.0.0.1"}:${o.port}`,
    worker_processes: String(o.workerProcesses ?? "auto"),
    // As root (CI, containers) the workers, which handle every connection, run as nobody.
    user: process.getuid?.() === 0 ? "user nobody nogroup;" : "",
    access_log: o.accessLog
      ? `${path.resolve(o.prefix)}/access.log upstreams buffer=64k flush=1s`
      : "off",
    servers: o.upstreams
      .map((u) => `    server ${u.host}:${u.port} max_fails=3 fail_timeout=5s;`)
      .join("\n"),
  };
  return readFileSync(TEMPLATE, "utf8").replace(/\{\{(\w+)\}\}/g, (_, k: string) => {
    const v = values[k];
    if (v === undefined) throw new Error(`nginx template: no value for {{${k}}}`);
    return v;
  });
}

function parseLine(line: string): AccessLine | null {
  const m = /^(\S+) (\d{3}) (\S+) "([^"]*)" (.*) (\S+)$/.exec(line);
  if (!m) return null;
  // "$upstream_addr $upstream_status", tries separated by ", ": "a:1, b:2 502, 200".
  const tokens = m[5]!.split(" ").map((t) => t.replace(/,$/, ""));
  return {
    at: Number(m[1]) * 1000,
    startedAt: (Number(m[1]) - Number(m[6])) * 1000,
    status: Number(m[2]),
    method: m[3]!,
    uri: m[4]!,
    upstreams: tokens.filter((t) => /^[\d.]+:\d+$/.test(t)),
    upstreamStatuses: tokens.filter((t) => /^\d{3}$/.test(t)).map(Number),
  };
}

/** The answer was nginx's own 503 (no instance answered), not one an instance sent. */
export const answeredByNginx = (l: AccessLine): boolean =>
  l.status === 503 && l.upstreamStatuses.at(-1) !== 503;

export async function startNginx(o: NginxOptions): Promise<Nginx> {
  const prefix = path.resolve(o.prefix);
  for (const d of ["tmp/body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi"])
    mkdirSync(path.join(prefix, d), { recursive: true });
  const conf = path.join(prefix, "nginx.conf");
  writeFileSync(conf, renderConfig(o));
  const bin = nginxBinary();
  const test = spawnSync(bin, ["-t", "-q", "-p", prefix, "-c", conf, "-e", `${prefix}/error.log`], {
    encoding: "utf8",
  });
  if (test.status !== 0) throw new Error(`nginx rejected ${conf}:\n${test.stderr}`);
  const child = spawn(bin, ["-p", prefix, "-c", conf, "-e", `${prefix}/error.log`], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await Promise.race([
    waitForPort(o.port, 10_000, o.host),
    exited.then(() => {
      throw new Error(`nginx exited at start; see ${prefix}/error.log`);
    }),
  ]);
  const accessLogPath = path.join(prefix, "access.log");
  return {
    url: `http://${o.host ?? "127.0.0.1"}:${o.port}`,
    port: o.port,
    child,
    accessLog: () =>
      existsSync(accessLogPath)
        ? readFileSync(accessLogPath, "utf8")
            .split("\n")
            .flatMap((l) => parseLine(l) ?? [])
        : [],
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // SIGQUIT: finish the requests in flight, then exit (SIGTERM would cut them).
      child.kill("SIGQUIT");
      const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(force);
    },
  };
}
