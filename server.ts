import http from "node:http";
import path from "node:path";
import { armThrough } from "@/lib/gate/arm";
import { matchFastLane, serveFastLane } from "@/lib/http/fast-lane";
import { settleForwarding } from "@/lib/http/forwarded";
import { createNextProxy } from "@/lib/http/next-proxy";
import { startNextProcess } from "@/lib/http/two-processes";
import { apiHeaders } from "@/lib/http/node-adapter";
import { log } from "@/lib/log";
import {
  fastLaneMetrics,
  metricsJson,
  metricsText,
  refuseMetrics,
  type MetricsAnswer,
  type MetricsJson,
} from "@/lib/metrics/endpoint";

/**
 * One origin, one port, two processes. This one answers the hot sale routes — Buy Now, the sale
 * state, the shopper's own state — with node:http directly (lib/http/fast-lane.ts), and hands
 * every other request to Next.js, which runs in a process of its own (next-server.ts) behind a
 * local socket (lib/http/next-proxy.ts). It never loads Next.js, so Buy Now pays nothing for
 * Next.js's request machinery or its AsyncLocalStorage stores, and a slow page render cannot
 * stall it. Checkout is served here too when the shop runs on PostgreSQL (each process has its
 * own pool). Embedded PGlite allows one process per data directory: then the Next.js process
 * alone opens it, checkout goes there, and this process arms sales through it.
 * `npm start` runs this; `next dev` still works for development (without the fast lane).
 */

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOST ?? "127.0.0.1";

/** PostgreSQL (DATABASE_URL) rather than embedded PGlite: this process may open it too. */
const ownDatabase = Boolean(process.env.DATABASE_URL);

async function metricsAnswer(
  authorization: string | undefined,
  nextMetrics: () => Promise<MetricsJson>,
): Promise<MetricsAnswer> {
  const refusal = refuseMetrics(authorization);
  if (refusal) return refusal;
  const [mine, theirs] = await Promise.all([
    metricsJson(fastLaneMetrics(ownDatabase)),
    nextMetrics(),
  ]);
  return metricsText([mine, theirs]);
}

async function main() {
  const nextProcess = startNextProcess(path.join(__dirname, "next-server.ts"));
  // Arming reads the database: on PGlite, the Next.js process does it for this one.
  if (!ownDatabase) armThrough((saleId) => nextProcess.arm(saleId));
  const proxy = createNextProxy(nextProcess.socketPath, port);

  const server = http.createServer((req, res) => {
    settleForwarding(req); // X-Forwarded-* believed from TRUSTED_PROXIES only
    const fast = matchFastLane(req);
    if (fast && (ownDatabase || fast.kind !== "order")) return void serveFastLane(fast, req, res);
    if (req.url === "/api/metrics" && req.method === "GET" && !req.headers["x-stampede-lane"]) {
      metricsAnswer(req.headers.authorization, nextProcess.metrics).then(
        (a) => {
          res.writeHead(a.status, apiHeaders(req, a.headers));
          res.end(a.body);
        },
        (error: unknown) => {
          log.error({ err: error }, "metrics: could not collect");
          res.writeHead(503, apiHeaders(req, { "content-type": "text/plain", "retry-after": "1" }));
          res.end("Metrics are not available right now.\n");
        },
      );
      return;
    }
    proxy.web(req, res);
  });
  server.on("upgrade", (req, socket, head) => proxy.upgrade(req, socket, head));
  // Keep-alive longer than typical load balancers' idle timeouts, so they close first.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  await nextProcess.ready;
  server.listen(port, hostname, () =>
    console.log(`▲ Stampede (fast lane + Next.js) on http://${hostname}:${port}`),
  );

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.close();
    proxy.close();
    void nextProcess.stop().then(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  // Without Next.js this process can answer Buy Now but not a page: exit and let the
  // supervisor (npm start, systemd, the orchestrator) restart the pair.
  nextProcess.child.on("exit", (code, signal) => {
    if (stopping) return;
    console.error(`Next.js process exited (${signal ?? code}); stopping.`);
    process.exit(1);
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
