import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { processSingleton } from "@/lib/singleton";

/**
 * The request id every log line of a request carries (lib/log.ts reads it from here).
 * `withRequestId(headers, fn)` is a plain function so every entry point can use it: route
 * handlers and server actions (with the id proxy.ts put on the request), and the node:http
 * fast lane, which never runs proxy.ts. An incoming `x-request-id` (from a load balancer) is
 * kept when it is short and plain; otherwise a new one is made.
 */

export const REQUEST_ID_HEADER = "x-request-id";

type Store = { requestId: string };
type HeaderSource =
  { get(name: string): string | null } | Record<string, string | string[] | undefined>;

// One store per process, however many bundles load this module.
const context = processSingleton("requestContext", () => new AsyncLocalStorage<Store>());

const SAFE = /^[A-Za-z0-9._:-]{1,128}$/;

function header(headers: HeaderSource, name: string): string | undefined {
  if (typeof headers.get === "function") return headers.get(name) ?? undefined;
  const v = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The request's id: its own `x-request-id` if acceptable, else a new UUID. */
export function requestIdFrom(headers: HeaderSource): string {
  const given = header(headers, REQUEST_ID_HEADER);
  return given && SAFE.test(given) ? given : randomUUID();
}

/** Runs `fn` with the request's id in context, so `log` lines inside carry it. */
export function withRequestId<T>(headers: HeaderSource, fn: (requestId: string) => T): T {
  const requestId = requestIdFrom(headers);
  return context.run({ requestId }, fn, requestId);
}

/** The id of the request being served, if any. */
export const currentRequestId = (): string | undefined => context.getStore()?.requestId;
