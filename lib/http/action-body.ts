/**
 * Server-action requests Next.js would answer with a 500, refused first with a 4xx (proxy.ts):
 * - a body over ACTION_MAX_BYTES (Next.js's own limit for actions, where it throws), or one sent
 *   without a length, which Next.js would read to its limit before failing;
 * - arguments nested deeper than MAX_DEPTH, which make React's reply decoder recurse until the
 *   stack runs out. No form or action of the shop sends more than a few levels.
 * An action is a POST with a `Next-Action` header (fetch) or any POST to a page (a no-JavaScript
 * form, whose action id travels in the body); /api/ routes read their own bodies.
 */

export const ACTION_MAX_BYTES = 1024 * 1024;
export const MAX_DEPTH = 32;

export type ActionRefusal = { status: 400 | 411 | 413; message: string };

export const isActionPost = (method: string, pathname: string, headers: Headers) =>
  method === "POST" && (headers.has("next-action") || !pathname.startsWith("/api/"));

/** The deepest [ ] / { } nesting of a JSON text, outside strings. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) max = Math.max(max, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

const tooDeep = (): ActionRefusal => ({
  status: 400,
  message: `The request's arguments are nested more than ${MAX_DEPTH} deep.`,
});

/** The refusal for an action request, or null when Next.js may have it. */
export async function refuseActionBody(request: Request): Promise<ActionRefusal | null> {
  const length = request.headers.get("content-length");
  if (length === null)
    return request.body
      ? { status: 411, message: "Send the request with a Content-Length." }
      : null;
  if (!/^\d+$/.test(length) || Number(length) > ACTION_MAX_BYTES)
    return { status: 413, message: `The request is larger than ${ACTION_MAX_BYTES} bytes.` };
  if (Number(length) === 0) return null;
  const type = request.headers.get("content-type") ?? "";
  if (type.startsWith("multipart/form-data")) {
    let form: FormData;
    try {
      form = await request.clone().formData();
    } catch {
      return { status: 400, message: "The form data could not be read." };
    }
    for (const value of form.values())
      if (typeof value === "string" && jsonDepth(value) > MAX_DEPTH) return tooDeep();
    return null;
  }
  return jsonDepth(await request.clone().text()) > MAX_DEPTH ? tooDeep() : null;
}
