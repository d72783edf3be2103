import http from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * The cluster's one entry point: a small round-robin HTTP reverse proxy on node:http.
 * - keep-alive connections to every instance; X-Forwarded-For/-Proto/-Host passed on;
 * - each instance's GET /api/health is polled: 200 is "up", any other answer "degraded" (the
 *   process lives but Redis or PostgreSQL does not answer — the same for every instance, so
 *   degraded ones still serve when none is up), a refused connection or three checks in a row
 *   without an answer (a busy instance is slow, not dead) "down": skipped while others live;
 * - a refused connection while proxying marks the instance down at once; a check revives it;
 * - a GET or HEAD that fails on the connection is retried once on another instance; anything else
 *   that cannot be delivered is answered 503 + Retry-After, like the shop's own "unavailable".
 */

export type UpstreamState = "up" | "degraded" | "down";

export type Upstream = {
  readonly host: string;
  readonly port: number;
  state: UpstreamState;
  /** Health checks in a row that got no answer. */
  misses: number;
  requests: number;
  errors: number;
};

export type BalancerOptions = {
  port: number;
  host?: string;
  upstreams: { host: string; port: number }[];
  healthPath?: string;
  healthEveryMs?: number;
  healthTimeoutMs?: number;
  /** No response headers from an instance after this long: 503 to the client. */
  upstreamTimeoutMs?: number;
};

export type BalancerStats = {
  upstreams: { port: number; state: UpstreamState; requests: number; errors: number }[];
  retried: number;
  unavailable: number;
};

export type Balancer = {
  readonly url: string;
  readonly port: number;
  stats(): BalancerStats;
  /** Checks every instance now (the drills call it after starting or killing one). */
  checkHealth(): Promise<void>;
  close(): Promise<void>;
};

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

function withoutHopByHop(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers))
    if (!HOP_BY_HOP.has(k) && v !== undefined) out[k] = v;
  return out;
}

function unavailable(res: http.ServerResponse) {
  if (res.headersSent) return void res.destroy();
  const body = JSON.stringify({ status: "unavailable", retryAfterMs: 1000 });
  res.writeHead(503, {
    "content-type": "application/json",
    "cache-control": "no-store",
    "retry-after": "1",
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}

export async function startBalancer(o: BalancerOptions): Promise<Balancer> {
  const host = o.host ?? "127.0.0.1";
  const healthPath = o.healthPath ?? "/api/health";
  const healthTimeoutMs = o.healthTimeoutMs ?? 2_000;
  const upstreamTimeoutMs = o.upstreamTimeoutMs ?? 15_000;
  const upstreams: Upstream[] = o.upstreams.map((u) => ({
    ...u,
    state: "down",
    misses: 0,
    requests: 0,
    errors: 0,
  }));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512, maxFreeSockets: 256 });
  let next = 0;
  let retried = 0;
  let unavailableCount = 0;

  function pick(exclude?: Upstream): Upstream | undefined {
    // Down ones last: if every check failed, trying costs one refused connection, never a hang.
    for (const wanted of ["up", "degraded", "down"] as const) {
      const pool = upstreams.filter((u) => u.state === wanted && u !== exclude);
      if (pool.length > 0) return pool[next++ % pool.length];
    }
    return undefined;
  }

  function probe(u: Upstream): Promise<void> {
    return new Promise((resolve) => {
      const req = http.get(
        { host: u.host, port: u.port, path: healthPath, agent: false, timeout: healthTimeoutMs },
        (res) => {
          u.state = res.statusCode === 200 ? "up" : "degraded";
          u.misses = 0;
          res.resume();
          resolve();
        },
      );
      req.on("timeout", () => req.destroy(new Error("health check timed out")));
      req.on("error", (error: NodeJS.ErrnoException) => {
        if (error.code === "ECONNREFUSED" || ++u.misses >= 3) u.state = "down";
        resolve();
      });
    });
  }
  const checkHealth = async () => void (await Promise.all(upstreams.map(probe)));

  function forward(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    target: Upstream,
    retry: boolean,
  ) {
    const idempotent = req.method === "GET" || req.method === "HEAD";
    const headers = withoutHopByHop(req.headers);
    const client = (req.socket.remoteAddress ?? "").replace(/^::ffff:/, "");
    const prior = req.headers["x-forwarded-for"];
    headers["x-forwarded-for"] = prior ? `${String(prior)}, ${client}` : client;
    headers["x-forwarded-proto"] = req.headers["x-forwarded-proto"] ?? "http";
    headers["x-forwarded-host"] = req.headers["x-forwarded-host"] ?? req.headers.host ?? "";
    target.requests++;
    const up = http.request({
      host: target.host,
      port: target.port,
      method: req.method,
      path: req.url,
      headers,
      agent,
    });
    up.setTimeout(upstreamTimeoutMs, () => up.destroy(new Error("upstream timed out")));
    up.on("response", (r) => {
      res.writeHead(r.statusCode ?? 502, withoutHopByHop(r.headers));
      r.pipe(res);
      r.on("error", () => res.destroy());
    });
    up.on("error", (error: NodeJS.ErrnoException) => {
      target.errors++;
      if (error.code === "ECONNREFUSED") target.state = "down";
      if (res.headersSent || res.destroyed) return void res.destroy();
      const other = idempotent && retry ? pick(target) : undefined;
      if (other) {
        retried++;
        return forward(req, res, other, false);
      }
      unavailableCount++;
      unavailable(res);
    });
    // The client went away: stop the instance's work on its behalf too.
    res.on("close", () => {
      if (!res.writableFinished) up.destroy();
    });
    if (idempotent) up.end();
    else req.pipe(up);
  }

  const server = http.createServer((req, res) => {
    const target = pick();
    if (!target) {
      unavailableCount++;
      req.resume();
      return unavailable(res);
    }
    forward(req, res, target, true);
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const sockets = new Set<Socket>();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });

  await checkHealth();
  const timer = setInterval(() => void checkHealth(), o.healthEveryMs ?? 1_000);
  timer.unref();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://${host}:${port}`,
    port,
    stats: () => ({
      upstreams: upstreams.map((u) => ({
        port: u.port,
        state: u.state,
        requests: u.requests,
        errors: u.errors,
      })),
      retried,
      unavailable: unavailableCount,
    }),
    checkHealth,
    async close() {
      clearInterval(timer);
      const closed = new Promise<void>((r) => server.close(() => r()));
      for (const s of sockets) s.destroy();
      await closed;
      agent.destroy();
    },
  };
}
