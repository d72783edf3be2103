import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startBalancer, type Balancer } from "./balancer";

/** The cluster's entry point against tiny node:http upstreams on loopback (any free ports). */

type Upstream = { port: number; name: string; health: number; close(): Promise<void> };

async function upstream(
  name: string,
  handle?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean,
): Promise<Upstream> {
  const u: Upstream = { port: 0, name, health: 200, close: async () => {} };
  const server = http.createServer((req, res) => {
    if (req.url === "/api/health") {
      res.writeHead(u.health);
      return void res.end();
    }
    if (handle?.(req, res)) return;
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ name, method: req.method, body, headers: req.headers }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  u.port = (server.address() as AddressInfo).port;
  u.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return u;
}

let balancer: Balancer | undefined;
const ups: Upstream[] = [];
afterEach(async () => {
  await balancer?.close();
  await Promise.all(ups.splice(0).map((u) => u.close()));
});

async function start(...list: Upstream[]) {
  ups.push(...list);
  balancer = await startBalancer({
    port: 0,
    upstreams: list.map((u) => ({ host: "127.0.0.1", port: u.port })),
    healthEveryMs: 60_000,
  });
  return balancer;
}

async function get(path: string, init?: RequestInit) {
  const res = await fetch(`${balancer!.url}${path}`, init);
  const text = await res.text();
  return { res, body: text.startsWith("{") ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

describe("the balancer", () => {
  it("takes turns, and passes X-Forwarded-For, -Proto and -Host", async () => {
    await start(await upstream("a"), await upstream("b"));
    const names = [];
    for (let i = 0; i < 4; i++) names.push((await get("/x")).body.name);
    expect(names.sort()).toEqual(["a", "a", "b", "b"]);
    const { body } = await get("/x", { headers: { "x-forwarded-for": "203.0.113.9" } });
    const headers = body.headers as Record<string, string>;
    expect(headers["x-forwarded-for"]).toBe("203.0.113.9, 127.0.0.1");
    expect(headers["x-forwarded-proto"]).toBe("http");
    expect(headers["x-forwarded-host"]).toBe(new URL(balancer!.url).host);
  });

  it("passes POST bodies through", async () => {
    await start(await upstream("a"));
    const { body } = await get("/api/orders", { method: "POST", body: '{"token":"t"}' });
    expect(body).toMatchObject({ method: "POST", body: '{"token":"t"}' });
  });

  it("skips a dead instance: its refused connection marks it down; GETs are retried on another", async () => {
    const a = await upstream("a");
    const b = await upstream("b");
    await start(a, b);
    await a.close();
    const names = [];
    for (let i = 0; i < 6; i++) {
      const { res, body } = await get("/x");
      expect(res.status).toBe(200);
      names.push(body.name);
    }
    expect(new Set(names)).toEqual(new Set(["b"]));
    const stats = balancer!.stats();
    expect(stats.upstreams.find((u) => u.port === a.port)?.state).toBe("down");
    expect(stats.retried).toBeLessThanOrEqual(1);
  });

  it("answers 503 + Retry-After when a POST cannot be delivered, and when no instance lives", async () => {
    const a = await upstream("a", (_req, res) => {
      res.socket?.destroy(); // dies mid-request
      return true;
    });
    await start(a);
    const posted = await get("/api/orders", { method: "POST", body: "{}" });
    expect(posted.res.status).toBe(503);
    expect(posted.res.headers.get("retry-after")).toBe("1");
    expect(posted.body).toEqual({ status: "unavailable", retryAfterMs: 1000 });
    await a.close();
    const none = await get("/x");
    expect(none.res.status).toBe(503);
    expect(none.res.headers.get("retry-after")).toBe("1");
  });

  it("prefers healthy instances, and still uses degraded ones (a shared dependency down) when none is healthy", async () => {
    const a = await upstream("a");
    const b = await upstream("b");
    b.health = 503;
    await start(a, b);
    for (let i = 0; i < 3; i++) expect((await get("/x")).body.name).toBe("a");
    a.health = 503;
    await balancer!.checkHealth();
    const names = new Set<unknown>();
    for (let i = 0; i < 4; i++) names.add((await get("/x")).body.name);
    expect(names).toEqual(new Set(["a", "b"]));
  });
});
