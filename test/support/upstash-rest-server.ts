import http from "node:http";
import type { AddressInfo } from "node:net";
import { TcpRequester } from "@/lib/redis/tcp-requester";

/**
 * A test-only stand-in for Upstash's REST API over the real Redis: POST / (one command),
 * POST /pipeline and POST /multi-exec, Bearer auth, and base64 response encoding when the
 * client asks for it. It lets the tests drive `@upstash/redis`'s own HTTP client end to end.
 */

const encode = (v: unknown): unknown =>
  typeof v === "string"
    ? v === "OK"
      ? v
      : Buffer.from(v, "utf8").toString("base64")
    : Array.isArray(v)
      ? v.map(encode)
      : v;

export async function startUpstashRestServer(redisUrl: string, token: string) {
  const requester = new TcpRequester(redisUrl);
  const server = http.createServer(async (req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${token}`)
      return send(401, { error: "Unauthorized" });
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      return send(400, { error: "ERR failed to parse JSON" });
    }
    const base64 = String(req.headers["upstash-encoding"] ?? "").toLowerCase() === "base64";
    const path = (req.url ?? "/").split("?")[0]!.split("/").filter(Boolean);
    const shape = (r: { result?: unknown; error?: string }) =>
      r.error ? { error: r.error } : { result: base64 ? encode(r.result) : r.result };
    try {
      const reply = await requester.request({ path, body });
      if (Array.isArray(reply)) return send(200, reply.map(shape));
      return send(reply.error ? 400 : 200, shape(reply));
    } catch (error) {
      return send(500, { error: String(error) });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise((r) => server.close(r));
      await requester.quit();
    },
  };
}
