import http, { type IncomingMessage, type ServerResponse } from "node:http";
import net from "node:net";
import type { Duplex } from "node:stream";
import { unavailable } from "./status";

/**
 * server.ts's hand-off to the Next.js process: every request the fast lane does not answer is
 * passed, as it came, to Next.js listening on a local socket, and its answer streamed back.
 * The `x-forwarded-*` headers are filled in only when absent — exactly what Next.js itself does
 * when it owns the socket — so Next.js sees the client, host and protocol it always saw.
 */

/** Per RFC 9110 §7.6.1, these describe one connection, not the message: never forwarded. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
  "te",
  "trailer",
]);
const endToEnd = (name: string) => !HOP_BY_HOP.has(name.toLowerCase());

export type NextProxy = {
  web(req: IncomingMessage, res: ServerResponse): void;
  /** WebSocket upgrades (next dev's hot reload), passed through byte for byte. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): void;
};

export function createNextProxy(socketPath: string, publicPort: number): NextProxy {
  // A bounded pool: past it requests wait in the agent. A local socket's accept backlog does not
  // queue new connections as TCP would; it refuses them (EAGAIN) once full.
  const agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 10_000, maxSockets: 256 });

  function forwardedHeaders(req: IncomingMessage): http.OutgoingHttpHeaders {
    const headers: http.OutgoingHttpHeaders = {};
    // The body is piped on as it came, so its framing (transfer-encoding) goes with it.
    for (const [name, value] of Object.entries(req.headers))
      if (value !== undefined && (name === "transfer-encoding" || endToEnd(name)))
        headers[name] = value;
    headers["x-forwarded-for"] ??= req.socket.remoteAddress;
    headers["x-forwarded-host"] ??= req.headers.host;
    headers["x-forwarded-port"] ??= String(publicPort);
    headers["x-forwarded-proto"] ??= "http";
    return headers;
  }

  function web(req: IncomingMessage, res: ServerResponse): void {
    const upstream = http.request(
      { socketPath, agent, method: req.method, path: req.url, headers: forwardedHeaders(req) },
      (answer) => {
        const raw = answer.rawHeaders;
        const headers: string[] = [];
        for (let i = 0; i < raw.length; i += 2)
          if (endToEnd(raw[i]!)) headers.push(raw[i]!, raw[i + 1]!);
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, headers);
        answer.pipe(res);
        answer.on("error", () => res.destroy());
      },
    );
    upstream.on("error", () => {
      if (res.headersSent) return void res.destroy();
      // The API's own shape for "try again shortly", so clients retry it as they retry a shed call.
      if (req.url?.startsWith("/api/")) {
        const { status, headers, body } = unavailable();
        res.writeHead(status, { ...headers, "content-type": "application/json" });
        res.end(JSON.stringify(body));
        return;
      }
      res.writeHead(502, { "content-type": "text/plain", "retry-after": "1" });
      res.end("The shop is restarting. Try again in a moment.\n");
    });
    // A client that goes away takes its upstream request with it.
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }

  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const upstream = net.connect(socketPath, () => {
      const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
      for (let i = 0; i < req.rawHeaders.length; i += 2)
        lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(`${lines.join("\r\n")}\r\n\r\n`);
      if (head.length) upstream.write(head);
      upstream.pipe(socket).pipe(upstream);
    });
    upstream.on("error", () => socket.destroy());
    socket.on("error", () => upstream.destroy());
  }

  return { web, upgrade, close: () => agent.destroy() };
}
