import { createInterface } from "node:readline";
import { createCache } from "@/lib/cache/read-through";
import { redis, redisHandle } from "@/lib/redis/client";

/**
 * Another "instance" for the read-through cache tests: a real process with its own Redis
 * connection and its own in-process maps. It says "ready", waits for "go" on stdin, then fires
 * `count` concurrent gets of one key and prints how many times its loader ran.
 * Usage: node --import tsx test/support/cache-child.ts <cache name> <key> <count> <load ms>
 */

async function main() {
  const [name = "", key = "", count = "1", loadMs = "0"] = process.argv.slice(2);
  const cache = createCache<{ pid: number }>({ name, ttlMs: 60_000, lockMs: 10_000 });
  await redis().ping();
  process.stdout.write("ready\n");
  const lines = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => lines.once("line", () => resolve()));
  lines.close();

  let loads = 0;
  const loader = async () => {
    loads++;
    await new Promise((r) => setTimeout(r, Number(loadMs)));
    return { pid: process.pid };
  };
  const values = await Promise.all(
    Array.from({ length: Number(count) }, () => cache.get(key, loader)),
  );
  const pids = [...new Set(values.map((v) => v.pid))];
  process.stdout.write(`${JSON.stringify({ loads, pids, stats: cache.stats })}\n`);
  await redisHandle().close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
