import { Redis } from "@upstash/redis";
import { env, type Env } from "@/lib/env";
import { TcpRequester } from "./tcp-requester";

/**
 * The one way this codebase reaches Redis: `@upstash/redis`'s `Redis`, over Upstash REST when
 * UPSTASH_REDIS_REST_URL is set, else over TCP (REDIS_URL, default redis://127.0.0.1:6379).
 * Replies are deserialized as the library does by default (JSON-looking strings are parsed, so
 * "123" comes back as 123): callers that need strings convert explicitly, and our Lua scripts
 * return JSON objects so their shape survives either way.
 */

export type { Redis };

export type RedisHandle = { redis: Redis; commandCount: () => number; close: () => Promise<void> };

export function createRedis(
  e: Partial<Pick<Env, "REDIS_URL" | "UPSTASH_REDIS_REST_URL" | "UPSTASH_REDIS_REST_TOKEN">>,
  name?: string,
): RedisHandle {
  if (e.UPSTASH_REDIS_REST_URL) {
    let count = 0;
    const redis = new Redis({
      url: e.UPSTASH_REDIS_REST_URL,
      token: e.UPSTASH_REDIS_REST_TOKEN ?? "",
      enableTelemetry: false,
      retry: { retries: 2, backoff: (n) => Math.random() * 50 * 2 ** n },
    });
    // Count REST requests the same way the TCP requester counts commands.
    const client = (redis as unknown as { client: { request: (r: unknown) => Promise<unknown> } })
      .client;
    const request = client.request.bind(client);
    client.request = (r: unknown) => {
      count++;
      return request(r);
    };
    return { redis, commandCount: () => count, close: async () => {} };
  }
  const requester = new TcpRequester(e.REDIS_URL ?? "redis://127.0.0.1:6379", { name });
  const redis = new Redis(requester);
  return { redis, commandCount: () => requester.commandCount, close: () => requester.quit() };
}

const globalForRedis = globalThis as unknown as { __stampedeRedis?: RedisHandle };

/** The process-wide client (kept on globalThis so dev hot reloads do not open new sockets). */
export function redisHandle(): RedisHandle {
  globalForRedis.__stampedeRedis ??= createRedis(env(), "stampede");
  return globalForRedis.__stampedeRedis;
}

export const redis = (): Redis => redisHandle().redis;
