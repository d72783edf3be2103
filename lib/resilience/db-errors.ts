import { isTimeout } from "./timeout";

/**
 * Whether an error means "PostgreSQL is unreachable or overwhelmed" (count it toward opening the
 * breaker) rather than "this query was wrong" (a constraint violation proves the database is up).
 * Drizzle wraps driver errors in `cause`, and Node reports multi-address failures as an
 * AggregateError, so the whole chain is searched.
 */

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
]);

/** SQLSTATE: 57014 statement timeout, 57P01–57P03 shutdown / not accepting connections. */
const SQLSTATES = new Set(["57014", "57P01", "57P02", "57P03"]);
/** SQLSTATE classes: 08 connection exception, 53 insufficient resources, 58 system error. */
const SQLSTATE_CLASSES = new Set(["08", "53", "58"]);

/** node-postgres and pg-pool report these without a code. */
const MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|not queryable|Cannot use a pool after calling end/i;

function matches(error: unknown): boolean {
  if (isTimeout(error)) return true;
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") {
    if (NETWORK_CODES.has(code) || SQLSTATES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code) && SQLSTATE_CLASSES.has(code.slice(0, 2))) return true;
  }
  return MESSAGES.test(error.message);
}

export function isDbOutage(error: unknown, depth = 0): boolean {
  if (depth > 5 || error === null || error === undefined) return false;
  if (matches(error)) return true;
  if (error instanceof AggregateError && error.errors.some((e) => isDbOutage(e, depth + 1)))
    return true;
  return error instanceof Error && isDbOutage(error.cause, depth + 1);
}
