import { TaskCancelledError, timeout, TimeoutStrategy } from "cockatiel";

/** The call took longer than its deadline; the work may still be running. */
export class Timeout extends Error {
  override readonly name = "Timeout";
  constructor(
    readonly ms: number,
    what = "",
  ) {
    super(`${what ? `${what} ` : ""}timed out after ${ms} ms`);
  }
}

export const isTimeout = (error: unknown): error is Timeout => error instanceof Timeout;

/**
 * Runs `fn` with a deadline: past it the caller gets `Timeout` at once and `signal` aborts, so
 * work that honours the signal (fetch, our own loops) stops too.
 */
export async function withTimeout<T>(
  ms: number,
  fn: (signal: AbortSignal) => PromiseLike<T> | T,
  signal?: AbortSignal,
): Promise<T> {
  try {
    return await timeout(ms, TimeoutStrategy.Aggressive).execute(({ signal: s }) => fn(s), signal);
  } catch (error) {
    // instanceof, not cockatiel's isTaskCancelledError: in 3.2.1 that guard tests the wrong field.
    if (error instanceof TaskCancelledError && !signal?.aborted) throw new Timeout(ms);
    throw error;
  }
}

/**
 * `p`, or `Timeout` once `ms` have passed, for work that cannot be stopped once sent (a Redis
 * command, a query on the wire). One timer and no AbortController: cheap enough to wrap every
 * Redis command.
 */
export function withDeadline<T>(p: PromiseLike<T>, ms: number, what?: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Timeout(ms, what)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e: unknown) => (clearTimeout(t), reject(e)),
    );
  });
}
