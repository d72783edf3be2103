import { log } from "@/lib/log";
import { redis } from "@/lib/redis/client";
import { keys } from "@/lib/redis/keys";

/**
 * Per-user session versions, so that signing out or changing the password ends every session
 * of that user, on every device and instance. A session records the version current when it was
 * made (`sv` in the Auth.js JWT, and in its lane ticket); sign-out and a password change raise the
 * version in Redis, and a session whose version is not the current one counts for nothing.
 * A user who never did either has version 0, as has a session made before versions existed.
 *
 * Every session read checks the version: the Auth.js `jwt` callback (pages, actions, the admin,
 * the monitor) and the sale API's reads (lib/auth/live-session.ts) — all but a press answered
 * without Redis (lib/gate/press.ts), whose answer is the same signed in or not. A version read from Redis is
 * kept in this process for VERSION_TTL_MS, so a shopper pressing Buy Now costs Redis at most one
 * version read per that time, not one per press: **an ended session can keep working for up to
 * VERSION_TTL_MS on an instance that read its version just before** — never on the instance that
 * ended it, which forgets its copy at once. If Redis cannot be asked, the session is taken as it
 * is (logged): signing every shopper out during a Redis blip would be worse, and Buy Now and
 * checkout need Redis anyway.
 */

export const VERSION_TTL_MS = 5_000;
const KEPT_MAX = 100_000;

type Kept = { version: number; until: number };
const g = globalThis as unknown as {
  __stampedeSessionVersions?: { kept: Map<string, Kept>; pending: Map<string, Promise<number>> };
};
const state = (g.__stampedeSessionVersions ??= { kept: new Map(), pending: new Map() });

async function fetchVersion(userId: string): Promise<number> {
  const v = await redis().get<number | string | null>(keys.sessionVersion(userId));
  const n = Number(v ?? 0);
  return Number.isSafeInteger(n) && n >= 0 ? n : 0;
}

/** The user's current session version (kept up to VERSION_TTL_MS; one Redis read at a time). */
export function currentVersion(userId: string, now = Date.now()): Promise<number> | number {
  const kept = state.kept.get(userId);
  if (kept && kept.until > now) return kept.version;
  let pending = state.pending.get(userId);
  if (!pending) {
    pending = fetchVersion(userId).then((read) => {
      // Versions only rise: a read that raced a sign-out here must not bring back the old one.
      const version = Math.max(read, state.kept.get(userId)?.version ?? 0);
      if (state.kept.size >= KEPT_MAX) state.kept.clear();
      state.kept.set(userId, { version, until: Date.now() + VERSION_TTL_MS });
      return version;
    });
    pending.finally(() => state.pending.delete(userId)).catch(() => undefined);
    state.pending.set(userId, pending);
  }
  return pending;
}

/**
 * Whether a session carrying version `sv` (undefined: made before versions, i.e. 0) is still a
 * session. True when Redis cannot say (see above).
 */
export async function isCurrentSession(userId: string, sv: unknown): Promise<boolean> {
  const mine = typeof sv === "number" ? sv : 0;
  try {
    return mine === (await currentVersion(userId));
  } catch (error) {
    log.warn({ err: error }, "session version: Redis unavailable, session taken as it is");
    return true;
  }
}

/** The version a new session starts with: read from Redis, never from the local copy. */
export async function versionForNewSession(userId: string): Promise<number> {
  state.kept.delete(userId);
  return currentVersion(userId);
}

/** Ends every session of the user (sign-out, password change). Throws when Redis cannot be told. */
export async function endAllSessions(userId: string): Promise<void> {
  const version = await redis().incr(keys.sessionVersion(userId));
  state.kept.set(userId, { version, until: Date.now() + VERSION_TTL_MS });
}
