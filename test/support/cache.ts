import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll } from "vitest";
import { env } from "@/lib/env";
import { createRedis, redisHandle, type RedisHandle } from "@/lib/redis/client";

/** Extra Redis clients, unique cache names and counting loaders for the read-through cache tests. */

/**
 * Called at a test file's top level: returns a maker of extra Redis clients (each its own
 * connection, as another instance would have), all closed with the app's own after the file.
 */
export function extraRedisClients(): () => RedisHandle["redis"] {
  const handles: RedisHandle[] = [];
  afterAll(async () => {
    await Promise.all(handles.map((h) => h.close()));
    await redisHandle().close();
  });
  return () => {
    const h = createRedis(env());
    handles.push(h);
    return h.redis;
  };
}

/** A cache name no other test uses, so runs do not see each other's entries. */
export const uniqueName = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;

/** A loader that counts its calls (their times) and takes `ms` to answer. */
export function countingLoader<T>(value: (call: number) => T, ms = 0) {
  const calls: number[] = [];
  const load = async () => {
    calls.push(Date.now());
    await sleep(ms);
    return value(calls.length);
  };
  return { load, calls };
}
