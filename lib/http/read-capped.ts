/**
 * A request's body, or null once it passes `max` bytes. A declared length past it is refused
 * unread; a chunked body declares none, so the body is read as a stream and abandoned at the
 * limit, where `request.arrayBuffer()` would buffer however much a client sends.
 */
export async function readCapped(request: Request, max: number): Promise<Buffer | null> {
  if (Number(request.headers.get("content-length") ?? 0) > max) return null;
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
