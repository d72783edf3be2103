import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LeanPool } from "./lean-http";

/** The herd's client against a real node:http server: every way the shop answers. */

let server: http.Server;
let origin: string;
const sockets = new Set<unknown>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    sockets.add(req.socket);
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = req.url ?? "/";
      if (url === "/json") {
        res.writeHead(200, { "content-type": "application/json", etag: '"v1"' });
        return res.end(JSON.stringify({ status: "sold_out", ü: "✓" }));
      }
      if (url === "/chunked") {
        res.writeHead(200, { "content-type": "text/plain" });
        res.write("one,");
        setTimeout(() => res.end("two"), 5);
        return;
      }
      if (url === "/not-modified") {
        res.writeHead(304, { etag: '"v1"' });
        return res.end();
      }
      if (url === "/cookies") {
        res.setHeader("set-cookie", ["a=1; Path=/", "stampede.lane=t; HttpOnly"]);
        res.writeHead(503, { "retry-after": "2", "content-length": "0" });
        return res.end();
      }
      if (url === "/echo") {
        res.writeHead(201, { "content-type": "application/json" });
        return res.end(
          JSON.stringify({
            body: Buffer.concat(chunks).toString("utf8"),
            cookie: req.headers.cookie,
          }),
        );
      }
      if (url === "/close") {
        res.writeHead(200, { connection: "close", "content-length": "2" });
        return res.end("ok");
      }
      if (url === "/slow") return; // never answers
      res.writeHead(404, { "content-length": "0" });
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe("LeanPool", () => {
  it("reads content-length, chunked and bodyless answers, and keeps one connection alive", async () => {
    const pool = new LeanPool(origin, 2_000);
    sockets.clear();
    const json = await pool.request("GET", "/json");
    expect(json.status).toBe(200);
    expect(JSON.parse(json.body)).toEqual({ status: "sold_out", ü: "✓" });
    expect(json.headers.etag).toBe('"v1"');
    const chunked = await pool.request("GET", "/chunked");
    expect(chunked).toMatchObject({ status: 200, body: "one,two" });
    const nm = await pool.request("GET", "/not-modified", { "if-none-match": '"v1"' });
    expect(nm).toMatchObject({ status: 304, body: "" });
    expect(sockets.size).toBe(1);
    await pool.destroy();
  });

  it("sends headers and a UTF-8 body, and keeps every set-cookie and retry-after", async () => {
    const pool = new LeanPool(origin, 2_000);
    const echo = await pool.request("POST", "/echo", { cookie: "s=x" }, JSON.stringify({ n: "é" }));
    expect(echo.status).toBe(201);
    expect(JSON.parse(echo.body)).toEqual({ body: '{"n":"é"}', cookie: "s=x" });
    const c = await pool.request("GET", "/cookies");
    expect(c.status).toBe(503);
    expect(c.headers["retry-after"]).toBe("2");
    expect(c.headers["set-cookie"]).toEqual(["a=1; Path=/", "stampede.lane=t; HttpOnly"]);
    await pool.destroy();
  });

  it("opens a new connection after the server closes one, and times out a silent server", async () => {
    const pool = new LeanPool(origin, 300);
    expect((await pool.request("GET", "/close")).body).toBe("ok");
    expect((await pool.request("GET", "/json")).status).toBe(200);
    await expect(pool.request("GET", "/slow")).rejects.toMatchObject({ code: "ETIMEDOUT" });
    expect((await pool.request("GET", "/json")).status).toBe(200);
    await pool.destroy();
  });

  it("says no response when nothing listens", async () => {
    const pool = new LeanPool("http://127.0.0.1:1", 1_000);
    await expect(pool.request("GET", "/")).rejects.toMatchObject({ code: "ECONNREFUSED" });
    await pool.destroy();
  });
});
