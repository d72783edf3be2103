import {
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  handleWhen,
  isBrokenCircuitError,
  type IBreaker,
} from "cockatiel";
import { budget, type Bulkhead } from "./bulkhead";
import { isDbOutage } from "./db-errors";
import { withTimeout } from "./timeout";
import { CircuitOpen, Shed } from "./unavailable";
import { processSingleton } from "@/lib/singleton";
import { between } from "@/lib/jitter";

/**
 * Every PostgreSQL call goes through `withDb`: the `db` concurrency budget (no queue), a circuit
 * breaker that opens after consecutive outage errors and fails fast until a half-open probe
 * succeeds, and an optional deadline. A full budget or an open circuit is refused at once with
 * `Shed` / `CircuitOpen`, which callers turn into UNAVAILABLE / 503 + Retry-After.
 */

export type BreakerState = "closed" | "open" | "half-open";

export type DbGuardOptions = {
  /** Concurrency budget; default the process-wide `db` budget. */
  budget?: Bulkhead;
  /** Consecutive outage errors that open the circuit. Default 5. */
  failures?: number;
  /** Alternatively any cockatiel breaker, e.g. a SamplingBreaker. */
  breaker?: IBreaker;
  /** How long the circuit stays open before one probe call is let through. Default 5 s. */
  halfOpenAfterMs?: number;
  /** Deadline per call, counted as an outage when exceeded. Default none. */
  timeoutMs?: number;
  /** Which errors count toward opening; default `isDbOutage`. */
  isFailure?: (error: Error) => boolean;
};

export type DbGuardStats = {
  state: BreakerState;
  /** Times the circuit opened. */
  opened: number;
  /** Calls refused because the circuit was open. */
  rejected: number;
  /** Calls that failed with an error counted as an outage. */
  outages: number;
};

export function createDbGuard(options: DbGuardOptions = {}) {
  const bulk = options.budget ?? budget("db");
  const halfOpenAfterMs = options.halfOpenAfterMs ?? 5_000;
  const isFailure = options.isFailure ?? isDbOutage;
  const policy = circuitBreaker(
    handleWhen((e) => isFailure(e)),
    {
      halfOpenAfter: halfOpenAfterMs,
      breaker: options.breaker ?? new ConsecutiveBreaker(options.failures ?? 5),
    },
  );
  const counts = { opened: 0, rejected: 0, outages: 0 };
  let openedAt = 0;
  policy.onBreak(() => {
    counts.opened++;
    openedAt = Date.now();
  });
  policy.onFailure(({ handled }) => {
    if (handled) counts.outages++;
  });

  const state = (): BreakerState => {
    const s = policy.state;
    return s === CircuitState.Closed
      ? "closed"
      : s === CircuitState.HalfOpen
        ? "half-open"
        : "open";
  };

  async function run<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    // Checked before the breaker so a refusal for overload never counts as a database outage
    // (a shed half-open probe would otherwise close the circuit: cockatiel treats it as success).
    if (bulk.stats().active >= bulk.limit) return bulk.run(fn); // full: this sheds it
    try {
      return await policy.execute(({ signal }) => {
        const guarded = (s: AbortSignal) => bulk.run(fn, s);
        // The deadline wraps the budget: a timed-out query keeps its slot until it really ends,
        // so the budget keeps counting work PostgreSQL is still doing.
        return options.timeoutMs
          ? withTimeout(options.timeoutMs, guarded, signal)
          : guarded(signal);
      });
    } catch (error) {
      if (error instanceof Shed || error instanceof CircuitOpen || !isBrokenCircuitError(error))
        throw error;
      counts.rejected++;
      // Come back around when the probe is due, spread so the herd does not return in one tick.
      const untilProbe = Math.max(0, openedAt + halfOpenAfterMs - Date.now());
      throw new CircuitOpen("db", untilProbe + between(200, 1_000));
    }
  }

  return { run, state, stats: (): DbGuardStats => ({ state: state(), ...counts }) };
}

// One breaker and one budget per process, or /api/metrics reports a breaker no page uses.
const defaultGuard = () => processSingleton("dbGuard", () => createDbGuard());

/** Runs a PostgreSQL call through the process-wide `db` budget and breaker. */
export const withDb = <T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> =>
  defaultGuard().run(fn);

/** The process-wide breaker's state, for metrics. */
export const breakerState = (): BreakerState => defaultGuard().state();
