import { randomUUID } from "node:crypto";
import type { Redis } from "./client";

/**
 * A single-holder lock on one Redis key: SET NX PX to take it, and a compare-and-delete script
 * to release it, so a holder whose lock expired can never delete the next holder's lock.
 */

const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) end
return 0`;

const scripts = new WeakMap<Redis, ReturnType<Redis["createScript"]>>();

/** Takes the lock for `ttlMs`; returns the holder's token, or null when someone else holds it. */
export async function acquireLock(
  redis: Redis,
  key: string,
  ttlMs: number,
): Promise<string | null> {
  // A UUID never parses as JSON, so automatic deserialization cannot change it on the way back.
  const token = randomUUID();
  const reply = await redis.set(key, token, { nx: true, px: Math.max(1, Math.ceil(ttlMs)) });
  return reply === "OK" ? token : null;
}

/** Releases the lock only if `token` still holds it; returns whether it did. */
export async function releaseLock(redis: Redis, key: string, token: string): Promise<boolean> {
  let script = scripts.get(redis);
  if (!script) {
    script = redis.createScript(RELEASE);
    scripts.set(redis, script);
  }
  return (await script.exec([key], [token])) === 1;
}
