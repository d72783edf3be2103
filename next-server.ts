import http from "node:http";
import next from "next";
import { env } from "@/lib/env";
import { metricsJson } from "@/lib/metrics/endpoint";
import type { ChildAsk, ChildReply } from "@/lib/http/two-processes";

/**
 * The Next.js half of `server.ts`: started by it, serving every request the fast lane does not
 * answer, on a local socket that only server.ts talks to. It also reports the metrics only this
 * process can read.
 */

const socketPath = env().STAMPEDE_NEXT_SOCKET;
if (!socketPath || !process.send) {
  console.error("next-server.ts is started by server.ts; run `npm start` or `npm run serve`.");
  process.exit(1);
}
const send = (message: ChildReply) => process.send?.(message);

async function main(path: string) {
  // server.ts gone (crashed or killed, even before Next.js is ready): nobody can reach this process.
  process.on("disconnect", () => process.exit(0));
  const app = next({
    dev: env().NODE_ENV !== "production",
    hostname: env().HOST,
    port: env().PORT,
  });
  const handle = app.getRequestHandler();
  await app.prepare();
  const server = http.createServer((req, res) => void handle(req, res));
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  process.on("message", (ask: ChildAsk) => void answer(ask));
  process.on("SIGTERM", () => server.close(() => process.exit(0)));
  process.on("SIGINT", () => {}); // the terminal's Ctrl-C reaches both; server.ts decides
  server.listen({ path, backlog: 2048 }, () => send({ type: "ready" }));
}

async function answer(ask: ChildAsk) {
  try {
    send({ type: "answer", id: ask.id, result: await metricsJson() });
  } catch (error) {
    send({
      type: "answer",
      id: ask.id,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

main(socketPath).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
