import { Redis } from "@upstash/redis";
import { env, type Env } from "@/lib/env";
import { keys } from "./keys";
import { TcpRequester } from "./tcp-requester";
import { processSingleton } from "@/lib/singleton";

/**
 * The one way this codebase reaches Redis: `@upstash/redis`'s `Redis`, over Upstash REST when
 * UPSTASH_REDIS_REST_URL is set, else over TCP to a Redis Cluster (REDIS_CLUSTER_NODES) or one
 * Redis (REDIS_URL, default redis://127.0.0.1:6379).
 * Replies are deserialized as the library does by default (JSON-looking strings are parsed, so
 * "123" comes back as 123): callers that need strings convert explicitly, and our Lua scripts
 * return JSON objects so their shape survives either way.
 */

export type { Redis };

export type RedisHandle = {
  redis: Redis;
  commandCount: () => number;
  close: () => Promise<void>;
  /**
   * Whether every write acknowledged so far by `key`'s master is also on REDIS_WAIT_REPLICAS
   * replicas (WAIT), so a failover that promotes one keeps it. Always true when that is 0.
   */
  replicated: (key: string) => Promise<boolean>;
};

type RedisSettings = Pick<
  Env,
  | "REDIS_URL"
  | "REDIS_CLUSTER_NODES"
  | "REDIS_WAIT_REPLICAS"
  | "REDIS_WAIT_MS"
  | "REDIS_COMMAND_TIMEOUT_MS"
  | "UPSTASH_REDIS_REST_URL"
  | "UPSTASH_REDIS_REST_TOKEN"
>;

export function createRedis(e: Partial<RedisSettings>, name?: string): RedisHandle {
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
    // Upstash replicates on its own terms; WAIT is not offered over REST.
    const replicated = async () => true;
    return { redis, commandCount: () => count, close: async () => {}, replicated };
  }
  const requester = new TcpRequester(
    e.REDIS_CLUSTER_NODES ? { cluster: e.REDIS_CLUSTER_NODES } : (e.REDIS_URL ?? DEFAULT_URL),
    { name, commandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS },
  );
  const replicas = e.REDIS_WAIT_REPLICAS ?? (e.REDIS_CLUSTER_NODES ? 1 : 0);
  const waitMs = e.REDIS_WAIT_MS ?? 250;
  return {
    redis: new Redis(requester),
    commandCount: () => requester.commandCount,
    close: () => requester.quit(),
    replicated: async (key) =>
      replicas === 0 ||
      (await requester.replicated(keys.replicaMarker(key), replicas, waitMs)) >= replicas,
  };
}

const DEFAULT_URL = "redis://127.0.0.1:6379";

/** The process-wide client: one set of sockets however often the module is loaded. */
export const redisHandle = (): RedisHandle =>
  processSingleton("redis", () => createRedis(env(), "stampede"));

export const redis = (): Redis => redisHandle().redis;

/**
 * Whether the writes acknowledged so far on `key`'s shard survive a failover (see RedisHandle).
 * A shopper is told "secured", "confirmed" or "received" only after this says yes.
 */
export const replicated = (key: string): Promise<boolean> => redisHandle().replicated(key);
