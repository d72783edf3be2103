import type { Refusal } from "@/lib/contract/sale-api";
import { readCapped } from "./read-capped";
import { refusal, REFUSAL_HEADERS, type ApiReply } from "./status";

export const MAX_JSON_BYTES = 16 * 1024;

export type JsonBody = { ok: true; value: unknown } | { ok: false; reply: ApiReply<Refusal> };

/** A body refused before anything reads it; `connection: close` when the rest is not read. */
export const badBody = (
  httpStatus: number,
  message: string,
  headers: Record<string, string> = REFUSAL_HEADERS,
): JsonBody => ({
  ok: false,
  reply: refusal("invalid_request", message, { httpStatus, headers }),
});
const bad = (httpStatus: number, message: string) => badBody(httpStatus, message);
export const TOO_BIG = `The body is larger than ${MAX_JSON_BYTES} bytes.`;

/** Parses a small JSON body; anything else is a clear 4xx. */
export function parseJsonText(contentType: string | null, text: string): JsonBody {
  if (!contentType?.toLowerCase().startsWith("application/json"))
    return bad(415, "Send the body as application/json.");
  if (Buffer.byteLength(text) > MAX_JSON_BYTES) return bad(413, TOO_BIG);
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return bad(400, "The body is not valid JSON.");
  }
}

/** A route handler's JSON body, read no further than the limit (./read-capped.ts). */
export async function readJson(request: Request): Promise<JsonBody> {
  const body = await readCapped(request, MAX_JSON_BYTES);
  if (!body) return bad(413, TOO_BIG);
  return parseJsonText(request.headers.get("content-type"), body.toString("utf8"));
}
