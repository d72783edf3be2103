import { randomUUID } from "node:crypto";
import { Ratelimit } from "@upstash/ratelimit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env } from "@/lib/env";
import { startUpstashRestServer } from "@/test/support/upstash-rest-server";
import { createRedis, type RedisHandle } from "./client";
import { keys } from "./keys";

const prefix = `${process.env.REDIS_PREFIX}transport:`;
const redisUrl = process.env.REDIS_URL!;

const transports: [string, () => Promise<{ handle: RedisHandle; close: () => Promise<void> }>][] = [
  [
    "TCP requester",
    async () => {
      // The run's Redis: one server, or the cluster under TEST_REDIS_CLUSTER.
      const handle = createRedis(env());
      return { handle, close: handle.close };
    },
  ],
  [
    "Upstash REST",
    async () => {
      const token = "test-token";
      const server = await startUpstashRestServer(redisUrl, token);
      const handle = createRedis({
        UPSTASH_REDIS_REST_URL: server.url,
        UPSTASH_REDIS_REST_TOKEN: token,
      });
      return { handle, close: server.close };
    },
  ],
];

describe.each(transports)("%s", (name, open) => {
  let handle: RedisHandle;
  let close: () => Promise<void>;
  const k = (s: string) => `${prefix}${name.replace(/\s/g, "")}:${s}`;

  beforeAll(async () => ({ handle, close } = await open()));
  afterAll(() => close());

  it("gets, sets and increments (numeric strings come back as numbers: automatic deserialization)", async () => {
    const { redis } = handle;
    expect(await redis.set(k("s"), "123")).toBe("OK");
    expect(await redis.get(k("s"))).toBe(123);
    await redis.set(k("t"), "h_abc");
    expect(await redis.get(k("t"))).toBe("h_abc");
    expect(await redis.incr(k("n"))).toBe(1);
    expect(await redis.incrby(k("n"), 41)).toBe(42);
    expect(await redis.get(k("missing"))).toBeNull();
    await redis.set(k("emoji"), "drop 🔥 ünïcode");
    expect(await redis.get(k("emoji"))).toBe("drop 🔥 ünïcode");
  });

  it("reads a hash with hgetall", async () => {
    const { redis } = handle;
    await redis.hset(k("h"), { stock: "10", name: "runner" });
    expect(await redis.hgetall(k("h"))).toEqual({ stock: 10, name: "runner" });
    expect(await redis.hgetall(k("nohash"))).toBeNull();
  });

  it("runs EVALSHA and falls back to EVAL on NOSCRIPT", async () => {
    const { redis } = handle;
    const lua = `-- ${name} ${Date.now()} ${Math.random()}\nreturn {KEYS[1], ARGV[1], redis.call('incr', KEYS[1])}`;
    const script = redis.createScript<[string, string, number]>(lua);
    await expect(redis.evalsha(await sha1(lua), [k("e")], ["a"])).rejects.toThrow(/NOSCRIPT/);
    expect(await script.exec([k("e")], ["a"])).toEqual([k("e"), "a", 1]);
    expect(await redis.evalsha(await sha1(lua), [k("e")], ["b"])).toEqual([k("e"), "b", 2]);
  });

  it("keeps each command's reply in a pipeline where one command fails", async () => {
    const { redis } = handle;
    await redis.set(k("p:str"), "not a number");
    const p = redis.pipeline();
    p.set(k("p:a"), "1");
    p.incr(k("p:str"));
    p.get(k("p:a"));
    const replies = await p.exec({ keepErrors: true });
    expect(replies[0]).toEqual({ result: "OK", error: undefined });
    expect(replies[1]!.error).toMatch(/not an integer/);
    expect(replies[2]).toEqual({ result: 1, error: undefined });
  });

  it("runs multi-exec atomically", async () => {
    const { redis } = handle;
    const tx = redis.multi();
    // One hash tag: a transaction on a Redis Cluster runs on one slot.
    tx.set(k("{m}:a"), "x");
    tx.incr(k("{m}:n"));
    tx.incr(k("{m}:n"));
    expect(await tx.exec()).toEqual(["OK", 1, 2]);
  });

  it.each([
    ["sliding window", Ratelimit.slidingWindow(25, "10 s")],
    ["token bucket", Ratelimit.tokenBucket(1, "60 s", 25)],
    ["fixed window", Ratelimit.fixedWindow(25, "10 s")],
  ])(
    "@upstash/ratelimit %s allows exactly the limit under 200 concurrent calls",
    async (kind, limiter) => {
      const rl = new Ratelimit({
        redis: handle.redis,
        limiter,
        prefix: k(`rl:${kind}`),
        ephemeralCache: false,
        timeout: 0,
      });
      // The hash tag keeps a sliding window's two keys (this and the last window) on one slot; a
      // shopper of its own per try, so a retry does not start from the last try's count.
      const shopper = keys.ratelimitIdentifier(`shopper-${randomUUID()}`);
      const calledAt = Date.now();
      const results = await Promise.all(Array.from({ length: 200 }, () => rl.limit(shopper)));
      expect(results.filter((r) => r.success)).toHaveLength(25);
      expect(results.every((r) => r.reason === undefined)).toBe(true);
      const denied = results.find((r) => !r.success)!;
      // Reset is the end of the window the calls were counted in: after they began.
      expect(denied.reset).toBeGreaterThan(calledAt);
    },
  );
});

async function sha1(s: string) {
  const { createHash } = await import("node:crypto");
  return createHash("sha1").update(s).digest("hex");
}
