const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether an id from a URL or a body can be a row's id. A made-up id must be answered "not
 * found" before it reaches a `uuid` column (PostgreSQL would throw) or names a Redis key.
 */
export const isUuid = (s: unknown): s is string => typeof s === "string" && UUID.test(s);
