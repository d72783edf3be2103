/**
 * Next.js may load a module once per server bundle (proxy.ts, pages, route handlers), server.ts's
 * fast lane loads its own copy, and dev hot reloads load it again; a client, a counter or a budget
 * must still be one per process. So such values live on globalThis, under one key each.
 */
const shared = globalThis as typeof globalThis & { __stampede?: Map<string, unknown> };

/** The process's one value for `key`, made by `make` the first time it is asked for. */
export function processSingleton<T>(key: string, make: () => T): T {
  const slots = (shared.__stampede ??= new Map<string, unknown>());
  if (!slots.has(key)) slots.set(key, make());
  return slots.get(key) as T;
}

/** Puts `value` in `key`'s place: for tests that point the process at a database that is down. */
export function replaceProcessSingleton<T>(key: string, value: T): void {
  (shared.__stampede ??= new Map<string, unknown>()).set(key, value);
}
