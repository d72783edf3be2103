import { between } from "@/lib/jitter";
import { Shed } from "./unavailable";
import { processSingleton } from "@/lib/singleton";

/**
 * Per-instance concurrency budgets with no queue: past the budget a call is refused at once with
 * `Shed` (→ 503 + Retry-After) instead of waiting, because under a stampede a queue only turns
 * overload into latency. Separate budgets keep the sale from starving browsing and accounts.
 */

export type BulkheadStats = {
  name: string;
  limit: number;
  active: number;
  admitted: number;
  shed: number;
};

export type Bulkhead = {
  readonly name: string;
  readonly limit: number;
  run<T>(fn: (signal: AbortSignal) => PromiseLike<T> | T, signal?: AbortSignal): Promise<T>;
  /**
   * The refusal `run` would give now (counted as shed), or null when there is room: lets a caller
   * refuse before doing the work that leads up to the call (Buy Now: before reading the session).
   */
  refuseIfFull(): Shed | null;
  stats(): BulkheadStats;
};

export type BulkheadOptions = { retryAfterMs?: readonly [min: number, max: number] };

/**
 * The named budgets of this process and their default sizes. Checkout of a held unit has one of
 * its own: however many presses fill the gate's, a winner's checkout is never shed for them.
 * `orderWrite`: checkouts writing their order to PostgreSQL themselves; past it the order is left
 * to the outbox worker at once (lib/orders/checkout.ts).
 */
export const BUDGETS = {
  gate: 256,
  checkout: 128,
  db: 16,
  orderWrite: 4,
} as const satisfies Record<string, number>;
export type BudgetName = keyof typeof BUDGETS;

const shared = processSingleton("bulkheads", () => ({
  registry: new Map<string, Bulkhead>(),
  budgets: new Map<BudgetName, Bulkhead>(),
  limits: { ...BUDGETS } as Record<BudgetName, number>,
}));
const registry = shared.registry;

/** Handed to calls that were given no signal of their own: it never aborts. */
const NEVER = new AbortController().signal;

/**
 * A new budget of `limit` concurrent calls; it replaces any budget of that name in `bulkheadStats`.
 * A counter, not a queue: the whole policy is "refuse when full", and Buy Now runs through it on
 * every press, so it costs one comparison and the call's own promise.
 */
export function bulkhead(name: string, limit: number, options: BulkheadOptions = {}): Bulkhead {
  const [minRetry, maxRetry] = options.retryAfterMs ?? [200, 1_000];
  let active = 0;
  let admitted = 0;
  let shed = 0;
  const release = () => void active--;
  const b: Bulkhead = {
    name,
    limit,
    run(fn, signal) {
      // Only our own refusal becomes Shed; a nested budget's refusal passes through as is.
      if (active >= limit) {
        shed++;
        return Promise.reject(new Shed(name, between(minRetry, maxRetry)));
      }
      if (signal?.aborted) return Promise.reject(signal.reason);
      active++;
      admitted++;
      let result;
      try {
        result = fn(signal ?? NEVER);
      } catch (error) {
        active--;
        return Promise.reject(error);
      }
      return Promise.resolve(result).finally(release);
    },
    refuseIfFull() {
      if (active < limit) return null;
      shed++;
      return new Shed(name, between(minRetry, maxRetry));
    },
    stats: () => ({ name, limit, active, admitted, shed }),
  };
  registry.set(name, b);
  return b;
}

const limits = shared.limits;
const budgets = shared.budgets;

/** Sets budget sizes; call at start-up, before the first `budget()` of that name. */
export function configureBudgets(sizes: Partial<Record<BudgetName, number>>): void {
  for (const [name, size] of Object.entries(sizes) as [BudgetName, number][]) {
    const existing = budgets.get(name);
    if (existing && existing.limit !== size)
      throw new Error(`budget "${name}" is already in use with limit ${existing.limit}`);
    limits[name] = size;
  }
}

/** The process-wide budget `name`, created on first use. */
export function budget(name: BudgetName): Bulkhead {
  let b = budgets.get(name);
  if (!b) {
    b = bulkhead(name, limits[name]);
    budgets.set(name, b);
  }
  return b;
}

export const bulkheadStats = (): BulkheadStats[] => [...registry.values()].map((b) => b.stats());
