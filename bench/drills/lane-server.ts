import http from "node:http";
import { sql } from "drizzle-orm";
import { db, dbHandle } from "@/db";
import { matchFastLane, serveFastLane } from "@/lib/http/fast-lane";
import { redis, redisHandle } from "@/lib/redis/client";

/**
 * The fast lane of server.ts without Next.js: Buy Now, sale state, my state and checkout, the
 * same code as in production, plus GET /api/health as the Next.js route answers it. The drills
 * run this by default (`--server lane`) so they need no build; `--server next` runs server.ts.
 */

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOST ?? "127.0.0.1";

async function health(res: http.ServerResponse) {
  const [r, d] = await Promise.allSettled([redis().ping(), db().execute(sql`select 1`)]);
  const ok = r.status === "fulfilled" && d.status === "fulfilled";
  res.writeHead(ok ? 200 : 503, {
    "content-type": "application/json",
    "cache-control": "no-store",
  });
  res.end(
    JSON.stringify({
      ok,
      redis: r.status === "fulfilled" ? "up" : "down",
      database: d.status === "fulfilled" ? "up" : "down",
    }),
  );
}

const server = http.createServer((req, res) => {
  const fast = matchFastLane(req);
  if (fast) return void serveFastLane(fast, req, res);
  if (req.url === "/api/health" && req.method === "GET") return void health(res);
  res.writeHead(404, { "content-type": "application/json" });
  res.end(JSON.stringify({ status: "not_found" }));
});
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.listen(port, hostname, () => console.log(`fast lane only on http://${hostname}:${port}`));

const stop = () =>
  server.close(() => {
    void Promise.allSettled([redisHandle().close(), dbHandle().close()]).then(() =>
      process.exit(0),
    );
  });
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
