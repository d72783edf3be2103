import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { env } from "@/lib/env";
import { reply, toResponse } from "@/lib/http/status";
import { createRedis, redis, redisHandle, type RedisHandle } from "@/lib/redis/client";
import { keys } from "@/lib/redis/keys";
import { createLimiter, limit, limiterFor, type LimitResult } from "./limiter";
import { durationMs, POLICIES, type LimiterPolicy } from "./policies";

/** Named policies on the real Redis: exact counts, Retry-After, and what an outage does. */

const uniqueName = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;
const live: RedisHandle[] = [];
const liveClient = () => {
  const h = createRedis(env());
  live.push(h);
  return h;
};
const policy = (p: Partial<LimiterPolicy> = {}): LimiterPolicy => ({
  limit: 25,
  window: "10 s",
  by: "shopper",
  enforcedBy: "ratelimit",
  whenUnavailable: "open",
  timeoutMs: 1_000,
  ...p,
});
type Denied = Extract<LimitResult, { ok: false }>;

afterAll(async () => {
  // Clients of an unreachable Redis never connected; only the live ones need closing.
  await Promise.all(live.map((h) => h.close()));
  await redisHandle().close();
});

describe("rate limiter", () => {
  it("allows exactly the limit under 200 concurrent calls, per identifier", async () => {
    const h = liveClient();
    const l = createLimiter(uniqueName("count"), policy(), { redis: h.redis });
    const results = await Promise.all(Array.from({ length: 200 }, () => l.limit("shopper-1")));
    expect(results.filter((r) => r.ok)).toHaveLength(25);
    const remaining = results.flatMap((r) => (r.ok ? [r.remaining] : [])).sort((a, b) => a - b);
    expect(remaining).toEqual(Array.from({ length: 25 }, (_, i) => i));
    for (const r of results.filter((r): r is Denied => !r.ok)) {
      expect(r.reason).toBe("limited");
      expect(r.retryAfterMs).toBeGreaterThan(0);
      expect(r.retryAfterMs).toBeLessThanOrEqual(10_000);
    }
    expect(l.stats).toEqual({ allowed: 25, limited: 175, unavailable: 0 });
    // Another shopper has a budget of their own.
    expect((await l.limit("shopper-2")).ok).toBe(true);
    // The ephemeral cache refuses a known offender without a Redis round trip.
    const before = h.commandCount();
    expect((await l.limit("shopper-1")).ok).toBe(false);
    expect(h.commandCount()).toBe(before);
  });

  it("reports retryAfterMs to the window's reset, and the 429 carries it as Retry-After", async () => {
    const windowMs = 4_000;
    const l = createLimiter(uniqueName("retry"), policy({ limit: 2, window: "4 s" }));
    await l.limit("ip-1");
    await l.limit("ip-1");
    const r = await l.limit("ip-1");
    const now = Date.now();
    expect(r.ok).toBe(false);
    const denied = r as Denied;
    // Upstash's reset is an absolute time: the end of the current window.
    expect(denied.reset % windowMs).toBe(0);
    expect(denied.reset).toBeGreaterThan(now);
    expect(denied.reset).toBeLessThanOrEqual(now + windowMs);
    expect(Math.abs(denied.retryAfterMs - (denied.reset - now))).toBeLessThan(1_000);
    expect(denied.retryAfterMs).toBeLessThanOrEqual(windowMs);

    const rateLimited = (retryAfterMs: number) =>
      toResponse(reply(429, { status: "rate_limited", retryAfterMs }));
    const res = rateLimited(denied.retryAfterMs);
    expect(res.status).toBe(429);
    const header = Number(res.headers.get("Retry-After"));
    expect(header).toBe(Math.max(1, Math.ceil(denied.retryAfterMs / 1000)));
    expect(Math.abs(header * 1000 - (denied.reset - Date.now()))).toBeLessThan(1_000 + 50);
    expect(res.headers.get("Content-Type")).toMatch(/application\/json/);
    expect(await res.json()).toEqual({ status: "rate_limited", retryAfterMs: denied.retryAfterMs });
    // Never "Retry-After: 0", which would invite an immediate retry.
    expect(rateLimited(0).headers.get("Retry-After")).toBe("1");
  });

  describe("Redis unreachable", () => {
    // TCP to a closed port: node-redis keeps reconnecting, so the call times out (reason "timeout").
    const hung = () => createRedis({ REDIS_URL: "redis://127.0.0.1:1" }).redis;
    // REST to a closed port: fetch fails at once, so the call throws instead.
    const refused = () =>
      createRedis({ UPSTASH_REDIS_REST_URL: "http://127.0.0.1:1", UPSTASH_REDIS_REST_TOKEN: "x" })
        .redis;

    it.each([
      ["times out", hung, 100],
      ["throws", refused, 5_000],
    ] as const)(
      "a fail-open policy lets the request through when Redis %s",
      async (_, r, timeoutMs) => {
        const l = createLimiter(
          uniqueName("open"),
          policy({ whenUnavailable: "open", timeoutMs }),
          {
            redis: r(),
          },
        );
        const started = Date.now();
        const results = await Promise.all(Array.from({ length: 10 }, () => l.limit("shopper")));
        expect(Date.now() - started).toBeLessThan(Math.min(timeoutMs, 1_000) + 500);
        expect(results.every((x) => x.ok && x.degraded)).toBe(true);
        expect(l.stats).toEqual({ allowed: 0, limited: 0, unavailable: 10 });
      },
    );

    it.each([
      ["times out", hung, 100],
      ["throws", refused, 5_000],
    ] as const)(
      "a fail-closed policy refuses the request when Redis %s",
      async (_, r, timeoutMs) => {
        const l = createLimiter(
          uniqueName("closed"),
          policy({ whenUnavailable: "closed", timeoutMs }),
          {
            redis: r(),
          },
        );
        const started = Date.now();
        const results = await Promise.all(Array.from({ length: 10 }, () => l.limit("1.2.3.4")));
        expect(Date.now() - started).toBeLessThan(Math.min(timeoutMs, 1_000) + 500);
        for (const x of results) {
          expect(x.ok).toBe(false);
          const d = x as Denied;
          expect(d.reason).toBe("unavailable");
          expect(d.retryAfterMs).toBeGreaterThanOrEqual(1_000);
          expect(d.retryAfterMs).toBeLessThanOrEqual(3_000);
          expect(Math.abs(d.reset - (Date.now() + d.retryAfterMs))).toBeLessThan(1_000);
        }
      },
    );
  });

  it("has one limiter per named policy per process, keyed under keys.ratelimit(policy)", async () => {
    expect(limiterFor("signIn")).toBe(limiterFor("signIn"));
    expect(limiterFor("signIn")).not.toBe(limiterFor("signUp"));
    const ip = `10.0.0.${Math.floor(Math.random() * 250)}-${randomUUID().slice(0, 4)}`;
    const results: LimitResult[] = [];
    for (let i = 0; i < 12; i++) results.push(await limit("signIn", ip));
    expect(results.map((r) => r.ok)).toEqual([...Array(10).fill(true), false, false]);
    // To cursor 0: on a Redis Cluster the scan visits each master in turn.
    const found: string[] = [];
    let cursor: string | number = 0;
    do {
      const [next, batch]: [string, string[]] = await redis().scan(cursor, {
        match: `${keys.ratelimit("signIn")}:${keys.ratelimitIdentifier(ip)}:*`,
        count: 10_000,
      });
      found.push(...batch);
      cursor = next;
    } while (String(cursor) !== "0");
    expect(found.length).toBeGreaterThan(0);
  });

  it("reads @upstash/ratelimit durations as milliseconds, and refuses anything else", () => {
    expect(durationMs("10 s")).toBe(10_000);
    expect(durationMs("10 m")).toBe(600_000);
    expect(durationMs("250ms")).toBe(250);
    expect(() => durationMs("ten seconds" as "10 s")).toThrow(/not a duration/);
  });

  it("states on purpose which policies fail open and which fail closed", () => {
    expect(
      Object.fromEntries(Object.entries(POLICIES).map(([k, p]) => [k, [p.by, p.whenUnavailable]])),
    ).toEqual({
      buyNow: ["shopper", "closed"],
      checkout: ["shopper", "open"],
      signIn: ["ip", "closed"],
      signUp: ["ip", "closed"],
    });
  });
});
