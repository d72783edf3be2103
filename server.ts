import cluster from "node:cluster";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { env } from "@/lib/env";
import { matchFastLane, serveFastLane } from "@/lib/http/fast-lane";
import { settleForwarding } from "@/lib/http/forwarded";
import { laneProcess, startLaneProcesses } from "@/lib/http/lane-processes";
import { createNextProxy } from "@/lib/http/next-proxy";
import { apiHeaders } from "@/lib/http/node-adapter";
import { startNextProcess } from "@/lib/http/two-processes";
import { log } from "@/lib/log";
import { metricsJson, metricsText, refuseMetrics } from "@/lib/metrics/endpoint";

/**
 * One origin, one port. Fast-lane processes — one per core by default, FAST_LANE_PROCESSES to
 * change it (node:cluster, sharing the port) — answer the hot sale routes and checkout with
 * node:http directly (lib/http/fast-lane.ts), and hand every other request to Next.js, which runs
 * in a process of its own (next-server.ts) behind a local socket (lib/http/next-proxy.ts). They
 * never load Next.js, so Buy Now pays nothing for Next.js's request machinery or its
 * AsyncLocalStorage stores, and a slow page render cannot stall it. Every process reaches
 * PostgreSQL over DATABASE_URL with a pool of its own.
 * `npm start` runs this; `next dev` still works for development (without the fast lane).
 */

const { PORT: port, HOST: hostname } = env();

async function primary() {
  const nextProcess = startNextProcess(path.join(__dirname, "next-server.ts"));
  await nextProcess.ready;
  const count = env().FAST_LANE_PROCESSES ?? os.availableParallelism();
  const lanes = startLaneProcesses({
    count,
    env: { STAMPEDE_NEXT_SOCKET: nextProcess.socketPath },
    nextMetrics: nextProcess.metrics,
    log: (m) => log.warn(m),
  });

  let stopping = false;
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    void Promise.all([lanes.stop(), nextProcess.stop()]).then(() => process.exit(code));
  };
  process.on("SIGTERM", () => stop(0));
  process.on("SIGINT", () => stop(0));
  // Without Next.js the fast lane can answer Buy Now but not a page: stop and let the
  // supervisor (npm start, systemd, the orchestrator) restart the instance.
  nextProcess.child.on("exit", (code, signal) => {
    if (stopping) return;
    console.error(`Next.js process exited (${signal ?? code}); stopping.`);
    stop(1);
  });

  await lanes.ready;
  console.log(
    `▲ Stampede (${count} fast-lane process${count === 1 ? "" : "es"} + Next.js) on http://${hostname}:${port}`,
  );
}

function fastLane(socketPath: string) {
  const proxy = createNextProxy(socketPath, port);
  const lane = laneProcess(metricsJson);

  async function metricsAnswer(authorization: string | undefined) {
    return refuseMetrics(authorization) ?? metricsText(await lane.instanceMetrics());
  }

  const server = http.createServer((req, res) => {
    settleForwarding(req); // X-Forwarded-* believed from TRUSTED_PROXIES only
    const fast = matchFastLane(req);
    if (fast) return void serveFastLane(fast, req, res);
    if (req.url === "/api/metrics" && req.method === "GET" && !req.headers["x-stampede-lane"]) {
      metricsAnswer(req.headers.authorization).then(
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
  server.listen(port, hostname);

  const stop = () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    proxy.close();
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", () => {}); // the terminal's Ctrl-C reaches every process; the primary decides
  process.on("disconnect", stop); // the primary is gone
}

if (cluster.isPrimary) {
  primary().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  const socketPath = env().STAMPEDE_NEXT_SOCKET;
  if (!socketPath) throw new Error("a fast-lane process is started by server.ts");
  fastLane(socketPath);
}
