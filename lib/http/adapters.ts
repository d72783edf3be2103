import type { ApiReply } from "./sale-api";

/** Turns an ApiReply into a web Response (route handlers). */
export function toResponse(reply: ApiReply): Response {
  if (reply.status === 304) return new Response(null, { status: 304, headers: reply.headers });
  return Response.json(reply.body, { status: reply.status, headers: reply.headers });
}

export const MAX_JSON_BYTES = 16 * 1024;

export type JsonBody = { ok: true; value: unknown } | { ok: false; reply: ApiReply };

const bad = (status: number, message: string): JsonBody => ({
  ok: false,
  reply: {
    status,
    headers: { "cache-control": "no-store" },
    body: { status: "invalid_request", message },
  },
});

/** Parses a small JSON body; anything else is a clear 4xx. */
export function parseJsonText(contentType: string | null, text: string): JsonBody {
  if (!contentType?.toLowerCase().startsWith("application/json"))
    return bad(415, "Send the body as application/json.");
  if (Buffer.byteLength(text) > MAX_JSON_BYTES)
    return bad(413, `The body is larger than ${MAX_JSON_BYTES} bytes.`);
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return bad(400, "The body is not valid JSON.");
  }
}

/**
 * A route handler's JSON body. Read as a stream and abandoned past the limit: a chunked body
 * declares no length, and `request.text()` would buffer however much a client sends.
 */
export async function readJson(request: Request): Promise<JsonBody> {
  const tooBig = () => bad(413, `The body is larger than ${MAX_JSON_BYTES} bytes.`);
  const length = Number(request.headers.get("content-length") ?? 0);
  if (length > MAX_JSON_BYTES) return tooBig();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_JSON_BYTES) {
        await reader.cancel().catch(() => undefined);
        return tooBig();
      }
      chunks.push(value);
    }
  }
  return parseJsonText(request.headers.get("content-type"), Buffer.concat(chunks).toString("utf8"));
}
