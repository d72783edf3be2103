import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { createClient } from "redis";

/**
 * The drills' own Redis Cluster (scripts/redis-cluster.sh on ports 7111-7116, data in the drill's
 * temp directory), and what a drill needs to know about it: which master holds a key's slot, its
 * replica, and the process to kill.
 */

const run = promisify(execFile);
const SCRIPT = "scripts/redis-cluster.sh";
export const DRILL_CLUSTER_PORT = 7111;

export type RedisClusterStack = { nodes: string[]; stop(): Promise<void> };

export async function startRedisCluster(dir: string): Promise<RedisClusterStack> {
  const env = { ...process.env, REDIS_CLUSTER_DIR: dir };
  const { stdout } = await run(SCRIPT, ["start", String(DRILL_CLUSTER_PORT)], { env });
  return {
    nodes: stdout.trim().split(","),
    stop: async () => void (await run(SCRIPT, ["stop", String(DRILL_CLUSTER_PORT)], { env })),
  };
}

type NodeLine = { id: string; addr: string; master: boolean; masterId: string; slots: string[] };

const parseNodes = (text: string): NodeLine[] =>
  text
    .trim()
    .split("\n")
    .map((line) => {
      const [id = "", addr = "", flags = "", masterId = "", , , , , ...slots] = line.split(" ");
      return {
        id,
        addr: addr.split("@")[0]!,
        master: flags.includes("master") && !flags.includes("fail"),
        masterId,
        slots,
      };
    });

/** The live master serving `key`, and its replicas ("host:port"), asked of any node in `seeds`. */
export async function shardOf(
  seeds: readonly string[],
  key: string,
): Promise<{ slot: number; master: string; replicas: string[] }> {
  for (const seed of seeds) {
    const c = createClient({ url: `redis://${seed}`, RESP: 2 });
    c.on("error", () => {});
    try {
      await c.connect();
      const slot = Number(await c.sendCommand(["CLUSTER", "KEYSLOT", key]));
      const nodes = parseNodes(String(await c.sendCommand(["CLUSTER", "NODES"])));
      const master = nodes.find(
        (n) =>
          n.master &&
          n.slots.some((r) => {
            const [lo, hi = lo] = r.split("-").map(Number);
            return lo! <= slot && slot <= hi!;
          }),
      );
      if (!master) continue;
      const replicas = nodes.filter((n) => n.masterId === master.id).map((n) => n.addr);
      return { slot, master: master.addr, replicas };
    } catch {
      // this seed is down (perhaps the node the drill killed): ask the next one
    } finally {
      await c.quit().catch(() => {});
    }
  }
  throw new Error(`no live node of the cluster knows who serves ${key}`);
}

/** The redis-server process behind `addr`, and the command line to start it again. */
export async function nodeProcess(
  addr: string,
): Promise<{ pid: number; restart: () => Promise<void> }> {
  const c = createClient({ url: `redis://${addr}`, RESP: 2 });
  await c.connect();
  const info = String(await c.sendCommand(["INFO", "server"]));
  const conf = (await c.sendCommand(["CONFIG", "GET", "*"])) as string[];
  await c.quit();
  const get = (name: string) => conf[conf.indexOf(name) + 1] ?? "";
  const pid = Number(/process_id:(\d+)/.exec(info)?.[1]);
  const args = [
    "--bind",
    "127.0.0.1",
    "--port",
    get("port"),
    "--dir",
    get("dir"),
    "--cluster-enabled",
    "yes",
    "--cluster-config-file",
    get("cluster-config-file"),
    "--cluster-node-timeout",
    get("cluster-node-timeout"),
    "--save",
    "",
    "--appendonly",
    "no",
    "--daemonize",
    "yes",
    "--logfile",
    get("logfile"),
  ];
  return { pid, restart: async () => void (await run("redis-server", args)) };
}

/** `addr`'s replication role ("master", "slave"…), or null when it does not answer. */
export async function roleOf(addr: string): Promise<{ role: string; replicas: number } | null> {
  const c = createClient({ url: `redis://${addr}`, RESP: 2 });
  c.on("error", () => {});
  try {
    await c.connect();
    const info = String(await c.sendCommand(["INFO", "replication"]));
    return {
      role: /role:(\w+)/.exec(info)?.[1] ?? "",
      replicas: Number(/connected_slaves:(\d+)/.exec(info)?.[1] ?? 0),
    };
  } catch {
    return null;
  } finally {
    await c.quit().catch(() => {});
  }
}
