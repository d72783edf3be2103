import { BrokenCircuitError } from "cockatiel";

/**
 * The two ways a protected call is refused without being tried: the budget is full (`Shed`) or
 * the circuit is open (`CircuitOpen`). Both carry how long the caller should wait; both map to
 * 503 + Retry-After at the edge (see ./http.ts), and to UNAVAILABLE in server actions.
 */

/** Refused at once because the named concurrency budget is full (no queueing, by design). */
export class Shed extends Error {
  override readonly name = "Shed";
  constructor(
    readonly budget: string,
    readonly retryAfterMs: number,
  ) {
    super(`${budget}: concurrency budget full, retry in ${retryAfterMs} ms`);
  }
}

/** Refused at once because the breaker around `dependency` is open. */
export class CircuitOpen extends BrokenCircuitError {
  override readonly name = "CircuitOpen";
  constructor(
    readonly dependency: string,
    readonly retryAfterMs: number,
  ) {
    super(`${dependency}: circuit open, retry in ${retryAfterMs} ms`);
  }
}

/**
 * By brand, not only by class: server.ts (the fast lane) and Next.js's bundles each load their
 * own copy of this module while the budgets and breakers are shared on globalThis, so an error
 * thrown by one copy's class reaches code holding the other copy's.
 */
const branded = (error: unknown, name: string): boolean =>
  error instanceof Error &&
  error.name === name &&
  typeof (error as { retryAfterMs?: unknown }).retryAfterMs === "number";
export const isShed = (error: unknown): error is Shed =>
  error instanceof Shed || branded(error, "Shed");
export const isCircuitOpen = (error: unknown): error is CircuitOpen =>
  error instanceof CircuitOpen || branded(error, "CircuitOpen");
/** Refused without trying: safe to retry after `retryAfterMs`, and not the caller's fault. */
export const isUnavailable = (error: unknown): error is Shed | CircuitOpen =>
  isShed(error) || isCircuitOpen(error);
