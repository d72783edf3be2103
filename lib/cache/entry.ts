/**
 * What a read-through cache stores in Redis, and the two timing rules applied to it.
 * Values go through JSON: a Date comes back as a string.
 */

export type Entry<T> = {
  /** the value */
  v: T;
  /** when it was computed (ms since epoch) */
  t: number;
  /** how long computing it took (ms): XFetch's delta */
  d: number;
  /** when it stops being fresh (ms since epoch); Redis keeps it `staleMs` longer */
  e: number;
};

export function isEntry<T>(x: unknown): x is Entry<T> {
  if (typeof x !== "object" || x === null) return false;
  const o = x as Record<string, unknown>;
  return "v" in o && typeof o.t === "number" && typeof o.d === "number" && typeof o.e === "number";
}

/** A TTL in (ttl * (1 - jitter), ttl]: never longer than asked, spread so keys filled together expire apart. */
export function jitteredTtl(ttlMs: number, jitter: number, random = Math.random): number {
  return Math.max(1, Math.round(ttlMs * (1 - jitter * random())));
}

/**
 * XFetch (Vattani et al.): refresh early with a probability that grows as expiry nears and as the
 * value gets costlier to compute, so one reader recomputes before the herd finds it expired.
 */
export function shouldRefreshEarly(
  entry: Pick<Entry<unknown>, "d" | "e">,
  now: number,
  beta: number,
  random = Math.random,
): boolean {
  if (beta <= 0 || entry.d <= 0) return false;
  // 1 - random() is in (0, 1], so the log is finite or -Infinity (which means "refresh now").
  return now - entry.d * beta * Math.log(1 - random()) >= entry.e;
}
