import http from "node:http";

/**
 * The floor for any answer on this machine: a bare node:http server that reads nothing and
 * answers every request with the fixed JSON a press on a sold-out sale gets. The sold-out lane
 * of `npm run bench:lanes` is measured against it.
 */
const port = Number(process.env.PORT ?? 3902);
const body = JSON.stringify({ status: "sold_out" });
const length = String(Buffer.byteLength(body));

http
  .createServer((req, res) => {
    // Read the request through, as the shop does, so both keep their connections alike.
    req.resume();
    res.writeHead(200, { "content-type": "application/json", "content-length": length });
    res.end(body);
  })
  .listen(port, "127.0.0.1", () => console.log(`bare on ${port}`));

process.on("SIGTERM", () => process.exit(0));
