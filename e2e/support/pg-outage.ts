import http from "node:http";
import type { PgProxy } from "@/test/support/pg-proxy";
import { e2e } from "./env";

/**
 * The e2e shop reaches PostgreSQL through a TCP proxy (test/support/pg-proxy.ts, started by
 * serve.ts), so a spec can stop "PostgreSQL" for the app while its own queries (support/data.ts)
 * still go straight to the server. The proxy is switched over a loopback HTTP port derived from
 * E2E_PORT, so parallel e2e runs on other ports never touch each other's.
 */

export const pgControlPort = e2e.port + 20_000;

/** serve.ts: POST /down, POST /up, GET /status. */
export function startPgControl(proxy: PgProxy): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const action =
      req.method === "POST" && req.url === "/down"
        ? proxy.down()
        : req.method === "POST" && req.url === "/up"
          ? proxy.up()
          : req.method === "GET" && req.url === "/status"
            ? Promise.resolve()
            : null;
    if (!action) return reply(404, { error: "POST /down, POST /up or GET /status" });
    action.then(
      () => reply(200, { up: proxy.isUp(), connections: proxy.connections() }),
      (error: unknown) => reply(500, { error: String(error) }),
    );
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(pgControlPort, "127.0.0.1", () => resolve(server));
  });
}

/** Specs: switch the app's PostgreSQL off and on. */
export async function pg(action: "down" | "up" | "status"): Promise<{ up: boolean }> {
  const res = await fetch(`http://127.0.0.1:${pgControlPort}/${action}`, {
    method: action === "status" ? "GET" : "POST",
  });
  if (!res.ok) throw new Error(`pg proxy ${action}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { up: boolean };
}
