import type { IncomingMessage, ServerResponse } from "node:http";
import { log } from "@/lib/log";
import { REQUEST_ID_HEADER, withRequestId } from "@/lib/request-id";
import { readJsonBody, sendReply } from "./node-adapter";
import { getMyState, getSaleState, postOrder, postToken, type ApiReply } from "./sale-api";

/**
 * The fast lane: the hot sale routes answered straight from node:http, skipping Next.js's
 * request machinery, with the very functions the route handlers call (lib/http/sale-api.ts).
 * Anything else — or a request carrying `x-stampede-lane: next`, used by the contract tests and
 * benchmarks to reach the route handlers — goes to Next.js.
 */

const SALE = /^\/api\/sales\/([^/?#]+)(\/token|\/me)?$/;

type Handler = (req: IncomingMessage) => Promise<ApiReply>;

/**
 * A path segment, percent-decoded. Broken encoding ("%E0%A4%A") makes decodeURIComponent throw,
 * which in server.ts's request listener would be an uncaught exception — one request taking the
 * process down. Such a segment names no sale, so it becomes one that cannot be a sale id.
 */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return "";
  }
}

export function matchFastLane(req: IncomingMessage): Handler | null {
  if (req.headers["x-stampede-lane"] === "next") return null;
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const path = q === -1 ? url : url.slice(0, q);
  if (path === "/api/orders") return req.method === "POST" ? handleOrder : null;
  const m = SALE.exec(path);
  if (!m) return null;
  const id = decodeSegment(m[1]!);
  const cookie = (r: IncomingMessage) => r.headers.cookie ?? null;
  if (m[2] === "/token" && req.method === "POST")
    return (r) => postToken(id, { cookie: cookie(r) });
  if (m[2] === "/me" && req.method === "GET") return (r) => getMyState(id, { cookie: cookie(r) });
  if (!m[2] && (req.method === "GET" || req.method === "HEAD"))
    return (r) => getSaleState(id, { ifNoneMatch: r.headers["if-none-match"] ?? null });
  return null;
}

async function handleOrder(req: IncomingMessage): Promise<ApiReply> {
  const body = await readJsonBody(req);
  if (!body.ok) return body.reply;
  return postOrder({ cookie: req.headers.cookie ?? null, body: body.value });
}

export async function serveFastLane(
  handler: Handler,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  res.setHeader("x-stampede-lane", "fast");
  // proxy.ts does not run for the fast lane: give its log lines and its answer a request id here.
  return withRequestId(req.headers, async (id) => {
    res.setHeader(REQUEST_ID_HEADER, id);
    await answer(handler, req, res);
  });
}

async function answer(handler: Handler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    sendReply(res, await handler(req));
  } catch (error) {
    log.error({ err: error, url: req.url }, "fast lane: unexpected error");
    if (!res.headersSent)
      sendReply(res, {
        status: 503,
        headers: { "retry-after": "1", "cache-control": "no-store" },
        body: { status: "unavailable", retryAfterMs: 1000 },
      });
    else res.end();
  }
}
