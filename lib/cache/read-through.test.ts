import { spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { createRedis } from "@/lib/redis/client";
import { countingLoader, extraRedisClients, uniqueName } from "@/test/support/cache";
import { createCache } from "./read-through";
import { cacheStats } from "./stats";

/** Coalescing, the cross-instance lock, failures and Redis outages, on the real Redis. */

const newClient = extraRedisClients();

describe("read-through cache: coalescing and locks", () => {
  it("calls the loader once for 2,000 concurrent gets of one cold key", async () => {
    const cache = createCache<{ n: number }>({ name: uniqueName("herd"), ttlMs: 60_000 });
    const { load, calls } = countingLoader((n) => ({ n }), 50);
    const values = await Promise.all(Array.from({ length: 2_000 }, () => cache.get("k", load)));
    expect(calls).toHaveLength(1);
    expect(new Set(values.map((v) => v.n))).toEqual(new Set([1]));
    expect(cache.stats).toMatchObject({ misses: 1, coalesced: 1_999, loads: 1, hits: 0 });
    // Warm now: a later get is a hit and does not call the loader.
    expect(await cache.get("k", load)).toEqual({ n: 1 });
    expect(calls).toHaveLength(1);
    expect(cache.stats.hits).toBe(1);
  });

  it("two instances with their own Redis clients and maps load once between them", async () => {
    const name = uniqueName("pair");
    const a = createCache<string>({ name, ttlMs: 60_000, redis: newClient() });
    const b = createCache<string>({ name, ttlMs: 60_000, redis: newClient() });
    const la = countingLoader(() => "from-a", 200);
    const lb = countingLoader(() => "from-b", 200);
    const values = await Promise.all([
      ...Array.from({ length: 1_000 }, () => a.get("k", la.load)),
      ...Array.from({ length: 1_000 }, () => b.get("k", lb.load)),
    ]);
    expect(la.calls.length + lb.calls.length).toBe(1);
    expect(new Set(values).size).toBe(1);
    // The instance that lost the lock waited for the winner's value instead of loading
    // (counters are per cache name, so a and b share them).
    expect(a.stats).toMatchObject({ loads: 1, misses: 2, lockWaits: 1, coalesced: 1_998 });
  });

  it("a child process and this process share Redis: the loader runs once among the three", async () => {
    const name = uniqueName("procs");
    const children = [0, 1].map(() => startChild(name, "k", 500, 300));
    await Promise.all(children.map((c) => c.ready));
    const local = createCache<{ pid: number }>({ name, ttlMs: 60_000, lockMs: 10_000 });
    const { load, calls } = countingLoader(() => ({ pid: process.pid }), 300);
    for (const c of children) c.go();
    const mine = await Promise.all(Array.from({ length: 500 }, () => local.get("k", load)));
    const reports = await Promise.all(children.map((c) => c.result));
    const loads = calls.length + reports.reduce((sum, r) => sum + r.loads, 0);
    expect(loads).toBe(1);
    const pids = new Set([...mine.map((v) => v.pid), ...reports.flatMap((r) => r.pids)]);
    expect(pids.size).toBe(1);
  });

  it("a failing loader is not cached and does not poison the key: the next caller retries at once", async () => {
    const errors: unknown[] = [];
    const cache = createCache<string>({
      name: uniqueName("fail"),
      ttlMs: 60_000,
      lockMs: 5_000,
      onError: (e) => errors.push(e),
    });
    const failing = countingLoader<string>(() => {
      throw new Error("database said no");
    }, 30);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, () => cache.get("k", failing.load)),
    );
    expect(failing.calls).toHaveLength(1);
    expect(outcomes.every((o) => o.status === "rejected")).toBe(true);
    expect(cache.stats.loadErrors).toBe(1);

    // The lock was released with the failure, so the retry does not wait out lockMs.
    const ok = countingLoader(() => "fine");
    const started = Date.now();
    expect(await cache.get("k", ok.load)).toBe("fine");
    expect(Date.now() - started).toBeLessThan(200);
    expect(ok.calls).toHaveLength(1);
    expect(cache.stats).toMatchObject({ loads: 2, loadErrors: 1, misses: 2, lockWaits: 0 });
  });

  it("waits for another instance's load, then takes over if that load fails", async () => {
    const name = uniqueName("takeover");
    const [ra0, rb0] = [newClient(), newClient()];
    // Connected first: "a holds the lock 30 ms later" must not depend on how fast a client
    // connects (a Redis Cluster client discovers every master first).
    await Promise.all([ra0.ping(), rb0.ping()]);
    const a = createCache<string>({ name, ttlMs: 60_000, redis: ra0 });
    const b = createCache<string>({ name, ttlMs: 60_000, redis: rb0 });
    const failing = countingLoader<string>(() => {
      throw new Error("boom");
    }, 150);
    const ok = countingLoader(() => "from-b");
    const first = a.get("k", failing.load);
    await sleep(30); // a holds the lock now
    const [ra, rb] = await Promise.allSettled([first, b.get("k", ok.load)]);
    expect(ra.status).toBe("rejected");
    expect(rb).toEqual({ status: "fulfilled", value: "from-b" });
    expect(b.stats.lockWaits).toBe(1);
    expect(ok.calls).toHaveLength(1);
  });

  it("calls the loader (single-flight) instead of failing when Redis is unreachable", async () => {
    const down = createRedis({ REDIS_URL: "redis://127.0.0.1:1" });
    const cache = createCache<string>({
      name: uniqueName("down"),
      ttlMs: 60_000,
      redis: down.redis,
      redisTimeoutMs: 100,
    });
    const { load, calls } = countingLoader((n) => `v${n}`, 20);
    let started = Date.now();
    const values = await Promise.all(Array.from({ length: 500 }, () => cache.get("k", load)));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(new Set(values)).toEqual(new Set(["v1"]));
    expect(calls).toHaveLength(1);
    expect(cache.stats).toMatchObject({ misses: 1, coalesced: 499, loads: 1 });
    expect(cache.stats.redisErrors).toBeGreaterThanOrEqual(1);

    // Redis is skipped for a moment after a failure, so the next read costs no timeout.
    started = Date.now();
    expect(await cache.get("k", load)).toBe("v2");
    expect(Date.now() - started).toBeLessThan(80);

    const failing = async (): Promise<string> => {
      throw new Error("and PostgreSQL too");
    };
    await expect(cache.get("k", failing)).rejects.toThrow("and PostgreSQL too");
  });

  it("lists every cache's counters by name for the metrics endpoint", async () => {
    const name = uniqueName("registry");
    const cache = createCache<number>({ name, ttlMs: 60_000 });
    await cache.get("a", async () => 1);
    await cache.get("a", async () => 1);
    await Promise.all([cache.get("b", async () => 2), cache.get("b", async () => 2)]);
    const all = cacheStats();
    expect(all[name]).toEqual({
      hits: 1,
      misses: 2,
      coalesced: 1,
      staleServes: 0,
      loads: 2,
      loadErrors: 0,
      lockWaits: 0,
      earlyRefreshes: 0,
      redisErrors: 0,
    });
    // A snapshot, not the live object.
    all[name]!.hits = 99;
    expect(cache.stats.hits).toBe(1);
  });
});

type ChildReport = { loads: number; pids: number[] };

function startChild(name: string, key: string, count: number, loadMs: number) {
  const script = path.join(process.cwd(), "test/support/cache-child.ts");
  const child = spawn(
    process.execPath,
    ["--import", "tsx", script, name, key, String(count), String(loadMs)],
    {
      env: process.env,
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  const lines = createInterface({ input: child.stdout });
  const next = () =>
    new Promise<string>((resolve, reject) => {
      lines.once("line", resolve);
      child.once("exit", (code) => reject(new Error(`cache child exited with ${code}`)));
    });
  const ready = next();
  return {
    ready,
    go: () => child.stdin.write("go\n"),
    result: ready.then(next).then((line) => JSON.parse(line) as ChildReport),
  };
}
