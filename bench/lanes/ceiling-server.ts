import http from "node:http";
import { createRedis } from "@/lib/redis/client";
import { createGate } from "@/lib/gate/gate";
import { scriptLimit } from "@/lib/ratelimit/limiter";

/**
 * The ceiling for Buy Now on this machine: a bare node:http server doing only the grant script
 * (one EVALSHA through the same Redis client) per request, run as Buy Now runs it — with the
 * shop's per-shopper press limit, which lives inside the script. The shopper comes in `x-user`.
 */
const port = Number(process.env.PORT ?? 3901);
const saleId = process.env.SALE_ID ?? "";
const handle = createRedis({ REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" });
const gate = createGate(() => handle.redis);
const presses = scriptLimit("buyNow");

http
  .createServer(async (req, res) => {
    try {
      const reply = await gate.grant(saleId, String(req.headers["x-user"] ?? ""), presses);
      const body = JSON.stringify(reply);
      res.writeHead(200, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
      });
      res.end(body);
    } catch (error) {
      res.writeHead(503);
      res.end(String(error));
    }
  })
  .listen(port, "127.0.0.1", () => console.log(`ceiling on ${port}`));

// Exit cleanly on SIGTERM, so `--profile` runs get their CPU profile written.
process.on("SIGTERM", () => process.exit(0));
