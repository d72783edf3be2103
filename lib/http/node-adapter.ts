import type { IncomingMessage, ServerResponse } from "node:http";
import { badBody, MAX_JSON_BYTES, parseJsonText, TOO_BIG, type JsonBody } from "./adapters";
import { REQUEST_ID_HEADER } from "@/lib/request-id";
import type { ApiReply } from "./status";
import { API_SECURITY_HEADERS, cameOverHttps, HSTS } from "./security-headers";

/** The fast lane's side of lib/http: node:http requests in, ApiReply out. */

/** The JSON security set as a flat [name, value, …] list, made once. */
const API_SECURITY_LIST: readonly string[] = Object.entries(API_SECURITY_HEADERS).flat();

/**
 * The headers of an answer server.ts writes itself, as a flat list writeHead takes as it is: the
 * JSON security set, HSTS when the request came over https, then `own`. A list, unlike an
 * object, would send a name twice: no answer's own headers (content-type, cache-control,
 * retry-after, etag, connection, the lane, the request id) are in the security set.
 */
export function apiHeaders(
  req: IncomingMessage | undefined,
  own: Record<string, string>,
): string[] {
  const headers = [...API_SECURITY_LIST];
  if (cameOverHttps(req?.headers["x-forwarded-proto"]))
    headers.push("strict-transport-security", HSTS);
  for (const name in own) headers.push(name, own[name]!);
  return headers;
}

/** Writes the reply with every header in one writeHead: apiHeaders, the lane and the request id. */
export function sendReply(res: ServerResponse, reply: ApiReply, requestId: string): void {
  const headers = apiHeaders(res.req, reply.headers);
  headers.push("x-stampede-lane", "fast", REQUEST_ID_HEADER, requestId);
  if (reply.status === 304 || reply.body === null) {
    res.writeHead(reply.status, headers);
    res.end();
    return;
  }
  const body = JSON.stringify(reply.body);
  headers.push(
    "content-type",
    "application/json",
    "content-length",
    String(Buffer.byteLength(body)),
  );
  res.writeHead(reply.status, headers);
  res.end(body);
}

/**
 * Reads a small JSON body, refusing (413) as soon as it grows past the limit. The refusal closes
 * the connection: the rest of the body is discarded, never buffered, and the client still gets
 * the 413 (destroying the socket mid-upload would reach it as a reset instead).
 */
export function readJsonBody(req: IncomingMessage): Promise<JsonBody> {
  return new Promise((resolve) => {
    const declared = Number(req.headers["content-length"] ?? 0);
    const tooBig = (): JsonBody =>
      badBody(413, TOO_BIG, { "cache-control": "no-store", connection: "close" });
    if (declared > MAX_JSON_BYTES) {
      req.resume();
      return resolve(tooBig());
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size <= MAX_JSON_BYTES) return void chunks.push(c);
      req.off("data", onData);
      chunks.length = 0;
      req.resume(); // drain, do not keep
      resolve(tooBig());
    };
    req.on("data", onData);
    req.on("end", () => {
      if (size > MAX_JSON_BYTES) return;
      resolve(
        parseJsonText(req.headers["content-type"] ?? null, Buffer.concat(chunks).toString("utf8")),
      );
    });
    req.on("error", () => resolve(tooBig()));
  });
}
