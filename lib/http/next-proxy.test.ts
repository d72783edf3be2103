import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNextProxy } from "./next-proxy";

/**
 * The hand-off from server.ts to the Next.js process, against a stand-in for Next.js on a local
 * socket: what it forwards, what it fills in, what it strips, and what a client gets when the
 * Next.js process is not there.
 */

const socketPath = path.join(os.tmpdir(), `stampede-proxy-test-${process.pid}.sock`);
type Seen = { method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string };
const seen: Seen[] = [];
let upstream: http.Server;
let front: http.Server;
let base = "";
const proxy = createNextProxy(socketPath, 4321);

beforeAll(async () => {
  rmSync(socketPath, { force: true });
  upstream = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c));
    req.on("end", () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      if (req.url === "/stream") {
        res.writeHead(200, { "content-type": "text/plain" });
        res.write("first ");
        setTimeout(() => res.end("second"), 50);
        return;
      }
      res.writeHead(201, [
        "Set-Cookie",
        "a=1; Path=/",
        "Set-Cookie",
        "b=2; Path=/",
        "Keep-Alive",
        "timeout=77",
        "Content-Type",
        "text/plain",
      ]);
      res.end(`echo ${body}`);
    });
  });
  await new Promise<void>((r) => upstream.listen(socketPath, r));
  front = http.createServer((req, res) => proxy.web(req, res));
  await new Promise<void>((r) => front.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
});

afterAll(async () => {
  proxy.close();
  await new Promise((r) => front.close(r));
  await new Promise((r) => upstream.close(r));
  rmSync(socketPath, { force: true });
});

describe("next proxy", () => {
  it("passes method, path, body and headers, and fills x-forwarded-* as Next.js would", async () => {
    const res = await fetch(`${base}/sign-in?next=%2Faccount`, {
      method: "POST",
      headers: { "content-type": "text/plain", cookie: "s=1" },
      body: "hello",
    });
    expect(res.status).toBe(201);
    expect(await res.text()).toBe("echo hello");
    const s = seen.at(-1)!;
    expect(s).toMatchObject({ method: "POST", url: "/sign-in?next=%2Faccount", body: "hello" });
    expect(s.headers).toMatchObject({
      cookie: "s=1",
      "content-type": "text/plain",
      "x-forwarded-for": "127.0.0.1",
      "x-forwarded-host": new URL(base).host,
      "x-forwarded-port": "4321",
      "x-forwarded-proto": "http",
    });
    // Every cookie Next.js sets reaches the browser; connection headers stay on their hop.
    expect(res.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; Path=/"]);
    expect(res.headers.get("keep-alive")).not.toContain("77");
  });

  it("keeps what a load balancer in front already said", async () => {
    await fetch(`${base}/`, {
      headers: {
        "x-forwarded-for": "203.0.113.7",
        "x-forwarded-proto": "https",
        "x-forwarded-host": "shop.example",
      },
    });
    expect(seen.at(-1)!.headers).toMatchObject({
      "x-forwarded-for": "203.0.113.7",
      "x-forwarded-proto": "https",
      "x-forwarded-host": "shop.example",
    });
  });

  it("streams an answer as Next.js writes it", async () => {
    const res = await fetch(`${base}/stream`);
    expect(await res.text()).toBe("first second");
  });

  it("without Next.js: the API's 503 + Retry-After for /api, a plain 502 for pages", async () => {
    const missing = createNextProxy(`${socketPath}.missing`, 4321);
    const lonely = http.createServer((req, res) => missing.web(req, res));
    await new Promise<void>((r) => lonely.listen(0, "127.0.0.1", r));
    const at = `http://127.0.0.1:${(lonely.address() as AddressInfo).port}`;
    try {
      const api = await fetch(`${at}/api/orders`, { method: "POST", body: "{}" });
      expect(api.status).toBe(503);
      expect(api.headers.get("retry-after")).toBe("1");
      expect(await api.json()).toEqual({ status: "unavailable", retryAfterMs: 1000 });
      const page = await fetch(`${at}/`);
      expect(page.status).toBe(502);
      expect(await page.text()).toContain("restarting");
    } finally {
      missing.close();
      await new Promise((r) => lonely.close(r));
    }
  });
});
