import http from "node:http";
import next from "next";
import { matchFastLane, serveFastLane } from "@/lib/http/fast-lane";

/**
 * One origin, one process, two lanes: the hot sale routes (Buy Now, sale state, my state,
 * checkout) are answered by node:http directly; every other request goes to Next.js.
 * `npm start` runs this; `next dev` still works for development (without the fast lane).
 */

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOST ?? "127.0.0.1";
const dev = process.env.NODE_ENV !== "production";

async function main() {
  const app = next({ dev, hostname, port });
  const handle = app.getRequestHandler();
  await app.prepare();
  const server = http.createServer((req, res) => {
    const fast = matchFastLane(req);
    if (fast) void serveFastLane(fast, req, res);
    else void handle(req, res);
  });
  // Keep-alive longer than typical load balancers' idle timeouts, so they close first.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.listen(port, hostname, () =>
    console.log(`▲ Stampede (fast lane + Next.js) on http://${hostname}:${port}`),
  );
  const stop = () => server.close(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
