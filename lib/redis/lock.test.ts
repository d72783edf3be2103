import { afterAll, describe, expect, it } from "vitest";
import { redis, redisHandle } from "./client";
import { keys } from "./keys";
import { acquireLock, releaseLock } from "./lock";

const lockKey = (s: string) => keys.cacheEntryLock("lock-test", s);

describe("Redis lock", () => {
  afterAll(() => redisHandle().close());

  it("is held by exactly one of 100 concurrent takers", async () => {
    const tokens = await Promise.all(
      Array.from({ length: 100 }, () => acquireLock(redis(), lockKey("one"), 5_000)),
    );
    expect(tokens.filter((t) => t !== null)).toHaveLength(1);
  });

  it("releases only for the holder's token (compare-and-delete)", async () => {
    const token = await acquireLock(redis(), lockKey("cad"), 5_000);
    expect(token).toEqual(expect.any(String));
    expect(await releaseLock(redis(), lockKey("cad"), "someone-else")).toBe(false);
    expect(await acquireLock(redis(), lockKey("cad"), 5_000)).toBeNull();
    expect(await releaseLock(redis(), lockKey("cad"), token!)).toBe(true);
    expect(await releaseLock(redis(), lockKey("cad"), token!)).toBe(false);
    expect(await acquireLock(redis(), lockKey("cad"), 5_000)).toEqual(expect.any(String));
  });

  it("expires after its TTL, and a late release does not delete the next holder's lock", async () => {
    const first = await acquireLock(redis(), lockKey("ttl"), 50);
    await new Promise((r) => setTimeout(r, 80));
    const second = await acquireLock(redis(), lockKey("ttl"), 5_000);
    expect(second).toEqual(expect.any(String));
    expect(await releaseLock(redis(), lockKey("ttl"), first!)).toBe(false);
    expect(await redis().get(lockKey("ttl"))).toBe(second);
  });
});
