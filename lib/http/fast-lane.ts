import type { IncomingMessage, ServerResponse } from "node:http";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { requestIdFrom } from "@/lib/request-id";
import { readJsonBody, sendReply } from "./node-adapter";
import { CROSS_SITE_REPLY, isCrossSite } from "./same-origin";
import { getMyState, getSaleState, getServerTime, postOrder, postToken } from "./sale-api";
import { unavailable, type ApiReply } from "./status";

/**
 * The fast lane: the hot sale routes answered straight from node:http, skipping Next.js's
 * request machinery, with the very functions the route handlers call (lib/http/sale-api.ts).
 * Anything else — or, where ALLOW_LANE_OVERRIDE is set, a request carrying `x-stampede-lane: next`,
 * used by the contract tests and benchmarks to reach the route handlers — goes to Next.js. Every Buy Now pays for what runs
 * here, so it allocates little: a route is a small record, not a closure, and the reply's
 * headers go out in one writeHead.
 */

const SALE = /^\/api\/sales\/([^/?#]+)(\/token|\/me)?$/;

/** Which hot route a request is, decided from its method and path alone. */
export type FastRoute =
  | { kind: "token" | "me" | "state"; saleId: string }
  | { kind: "order" | "time"; saleId?: undefined };

/**
 * A path segment, percent-decoded. Broken encoding ("%E0%A4%A") makes decodeURIComponent throw,
 * which in server.ts's request listener would be an uncaught exception — one request taking the
 * process down. Such a segment names no sale, so it becomes one that cannot be a sale id.
 */
function decodeSegment(segment: string): string {
  if (!segment.includes("%")) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return "";
  }
}

export function matchFastLane(req: IncomingMessage): FastRoute | null {
  if (req.headers["x-stampede-lane"] === "next" && env().ALLOW_LANE_OVERRIDE) return null;
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const path = q === -1 ? url : url.slice(0, q);
  if (path === "/api/orders") return req.method === "POST" ? { kind: "order" } : null;
  if (path === "/api/time") return req.method === "GET" ? { kind: "time" } : null;
  const m = SALE.exec(path);
  if (!m) return null;
  const saleId = decodeSegment(m[1]!);
  if (m[2] === "/token") return req.method === "POST" ? { kind: "token", saleId } : null;
  if (m[2] === "/me") return req.method === "GET" ? { kind: "me", saleId } : null;
  return req.method === "GET" || req.method === "HEAD" ? { kind: "state", saleId } : null;
}

/**
 * The route's reply. Not an async function: the three read/press routes hand back their
 * function's own promise, without the extra promise and ticks an async wrapper would add.
 */
function reply(route: FastRoute, req: IncomingMessage, requestId: string): Promise<ApiReply> {
  if ((route.kind === "token" || route.kind === "order") && isCrossSite((n) => req.headers[n]))
    return Promise.resolve(CROSS_SITE_REPLY);
  switch (route.kind) {
    case "token":
      return postToken(route.saleId, { cookie: req.headers.cookie ?? null, requestId });
    case "me":
      return getMyState(route.saleId, { cookie: req.headers.cookie ?? null, requestId });
    case "state":
      return getSaleState(route.saleId, {
        ifNoneMatch: req.headers["if-none-match"] ?? null,
        requestId,
      });
    case "order":
      return order(req, requestId);
    case "time":
      return getServerTime({ requestId });
  }
}

async function order(req: IncomingMessage, requestId: string): Promise<ApiReply> {
  const body = await readJsonBody(req);
  if (!body.ok) return body.reply;
  return postOrder({ cookie: req.headers.cookie ?? null, body: body.value, requestId });
}

export function serveFastLane(
  route: FastRoute,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  // proxy.ts does not run for the fast lane: its answer and log lines get a request id here,
  // passed along rather than kept in AsyncLocalStorage (see ApiRequest.requestId).
  return answer(route, req, res, requestIdFrom(req.headers));
}

async function answer(
  route: FastRoute,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
): Promise<void> {
  try {
    sendReply(res, await reply(route, req, requestId), requestId);
  } catch (error) {
    log.error({ err: error, url: req.url, requestId }, "fast lane: unexpected error");
    if (!res.headersSent) sendReply(res, unavailable(), requestId);
    else res.end();
  }
}
