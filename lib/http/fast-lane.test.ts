import http from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLiveSale } from "@/test/support/fixtures";
import {
  freshShopper,
  hostileJsonText,
  hostileSaleId,
  sessionCookieFor,
  snapshotSale,
  type StateSnapshot,
} from "@/test/support/hostile";
import { env } from "@/lib/env";
import { MAX_JSON_BYTES } from "./adapters";
import { matchFastLane, serveFastLane } from "./fast-lane";

/**
 * The fast lane over real HTTP: the node:http handler server.ts runs, with a stand-in for
 * Next.js behind it (418). Hostile paths and bodies get a 4xx from the lane or fall through
 * to Next.js; the process never throws and a refused body's answer reaches the client.
 */

let server: http.Server;
let port = 0;
const errors: unknown[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    try {
      const fast = matchFastLane(req);
      if (fast) void serveFastLane(fast, req, res);
      else {
        res.writeHead(418, { "content-type": "text/plain" });
        res.end("next.js");
      }
    } catch (error) {
      // In server.ts nothing catches this: it would be an uncaught exception, the process gone.
      errors.push(error);
      res.destroy();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

type Answer = { status: number; headers: http.IncomingHttpHeaders; body: string };

/** One request on its own connection; `body` may be an iterable of chunks (sent chunked). */
function send(
  method: string,
  path: string,
  headers: http.OutgoingHttpHeaders = {},
  body?: string | Buffer | Iterable<Buffer>,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, method, path, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    if (body === undefined || typeof body === "string" || Buffer.isBuffer(body)) req.end(body);
    else {
      // Keeps writing until the server answers (or the body runs out).
      const it = body[Symbol.iterator]();
      let answered = false;
      const pump = () => {
        for (;;) {
          const next = it.next();
          if (next.done || answered) return void req.end();
          if (!req.write(next.value)) return void req.once("drain", pump);
        }
      };
      req.on("response", () => (answered = true));
      pump();
    }
  });
}

/** Percent-encodes every UTF-8 byte of `c` (a lone surrogate becomes U+FFFD, as on the wire). */
const pct = (c: string) =>
  [...Buffer.from(c, "utf8")].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");

let saleId = "";
let before: StateSnapshot;
beforeAll(async () => {
  saleId = (await createLiveSale({ stock: 3 })).sale.id;
  before = await snapshotSale(saleId);
});

describe("paths", () => {
  it("a sale id with broken percent-encoding gets a 404 from the lane, and the server lives on", async () => {
    for (const path of [
      "/api/sales/%E0%A4%A",
      "/api/sales/%E0%A4%A/token",
      "/api/sales/%/me",
      "/api/sales/%ZZ",
      "/api/sales/%C0%AF",
    ]) {
      const method = path.endsWith("/token") ? "POST" : "GET";
      const cookie = await sessionCookieFor(freshShopper());
      const res = await send(method, path, { cookie });
      expect(res.status, path).toBe(404);
      expect(JSON.parse(res.body), path).toMatchObject({ status: "not_found" });
    }
    expect(errors).toEqual([]);
  });

  it("any hostile sale id, percent-encoded into the path: a 4xx or Next.js, never a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(
        hostileSaleId,
        fc.constantFrom("", "/token", "/me"),
        fc.boolean(),
        async (id, tail, raw) => {
          // Raw: the id's characters as a client might send them (only what HTTP lets through).
          const segment = raw
            ? id.replace(/[^\x21-\x7e]|[/?#]/gu, pct)
            : id.replace(/[^A-Za-z0-9\-._~]/gu, pct);
          const path = `/api/sales/${segment.slice(0, 4000)}${tail}`;
          const method = tail === "/token" ? "POST" : "GET";
          const res = await send(method, path, {
            cookie: await sessionCookieFor(freshShopper()),
          }).catch((e: Error): Answer => ({ status: -1, headers: {}, body: e.message }));
          if (res.status === 418) return; // Next.js's to answer
          // A made-up UUID costs a PostgreSQL lookup; past the budget it is shed (lib/gate/arm.ts).
          if (res.status === 503) {
            expect(JSON.parse(res.body), path).toMatchObject({ status: "unavailable" });
            expect(Number(res.headers["retry-after"]), path).toBeGreaterThanOrEqual(1);
            return;
          }
          expect(res.status, path).toBeGreaterThanOrEqual(400);
          expect(res.status, path).toBeLessThan(500);
        },
      ),
      { numRuns: 200 },
    );
    expect(errors).toEqual([]);
    expect(await snapshotSale(saleId)).toEqual(before);
  });
});

describe("x-stampede-lane: next", () => {
  it("is ignored unless ALLOW_LANE_OVERRIDE is set: a client cannot send Buy Now the slow way", async () => {
    const cookie = await sessionCookieFor(freshShopper());
    const own = (await createLiveSale({ stock: 3 })).sale.id; // a press here secures a unit
    const press = () =>
      send("POST", `/api/sales/${own}/token`, { cookie, "x-stampede-lane": "next" });
    const settings = env();
    const was = settings.ALLOW_LANE_OVERRIDE;
    try {
      settings.ALLOW_LANE_OVERRIDE = false;
      const fast = await press();
      expect(fast.headers["x-stampede-lane"]).toBe("fast");
      settings.ALLOW_LANE_OVERRIDE = true;
      expect((await press()).status).toBe(418); // handed to Next.js
    } finally {
      settings.ALLOW_LANE_OVERRIDE = was;
    }
  });
});

describe("cross-site presses", () => {
  it("Buy Now and checkout with a foreign Origin or Sec-Fetch-Site: 403, nothing counted", async () => {
    const cookie = await sessionCookieFor(freshShopper());
    const saleId = (await createLiveSale({ stock: 3 })).sale.id;
    const snapshot = await snapshotSale(saleId);
    for (const h of [
      { origin: "http://127.0.0.1:1" },
      { origin: "null" },
      { "sec-fetch-site": "same-site" },
      { "sec-fetch-site": "cross-site", origin: `http://127.0.0.1:${port}` },
    ]) {
      const press = await send("POST", `/api/sales/${saleId}/token`, { cookie, ...h });
      expect(press.status, JSON.stringify(h)).toBe(403);
      const pay = await send(
        "POST",
        "/api/orders",
        { cookie, "content-type": "application/json", ...h },
        '{"token":"x"}',
      );
      expect(pay.status, JSON.stringify(h)).toBe(403);
    }
    expect(await snapshotSale(saleId)).toEqual(snapshot);
    const own = await send("POST", `/api/sales/${saleId}/token`, {
      cookie,
      origin: `http://127.0.0.1:${port}`,
      "sec-fetch-site": "same-origin",
    });
    expect(own.status).toBe(200);
  });
});

describe("checkout bodies", () => {
  const json = { "content-type": "application/json" };

  it("a declared body over the limit: 413 before reading it", async () => {
    const res = await send(
      "POST",
      "/api/orders",
      { ...json, "content-length": String(MAX_JSON_BYTES + 1) },
      Buffer.alloc(MAX_JSON_BYTES + 1, 0x20),
    );
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ status: "invalid_request" });
  });

  it("a chunked body that never ends: 413 reaches the client after the limit, not a reset", async () => {
    let sent = 0;
    function* endless() {
      for (;;) {
        sent += 1024;
        yield Buffer.alloc(1024, 0x20);
      }
    }
    const res = await send("POST", "/api/orders", json, endless());
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({
      status: "invalid_request",
      message: expect.stringContaining(String(MAX_JSON_BYTES)),
    });
    // The server stopped reading near the limit (socket buffers aside), not at the end.
    expect(sent).toBeLessThan(64 * 1024 * 1024);
  });

  it("hostile JSON text over HTTP: 400/401/413/415, never 5xx, nothing changes", async () => {
    const cookie = await sessionCookieFor(freshShopper());
    await fc.assert(
      fc.asyncProperty(
        hostileJsonText,
        fc.constantFrom("application/json", "text/plain", "application/json; charset=utf-8"),
        fc.boolean(),
        async (text, type, signedIn) => {
          const res = await send(
            "POST",
            "/api/orders",
            { "content-type": type, ...(signedIn ? { cookie } : {}) },
            Buffer.from(text, "utf8"),
          );
          expect([400, 401, 413, 415], text.slice(0, 100)).toContain(res.status);
          expect(res.headers["content-type"]).toBe("application/json");
          expect(typeof JSON.parse(res.body).message).toBe("string");
        },
      ),
      { numRuns: 200 },
    );
    expect(await snapshotSale(saleId)).toEqual(before);
  });
});

describe("security headers on fast-lane answers", () => {
  it("JSON answers, refusals and 304s carry nosniff, no framing and a locked-down CSP", async () => {
    const ok = await send("GET", `/api/sales/${saleId}`);
    expect(ok.status).toBe(200);
    const answers = [
      ok,
      await send("GET", `/api/sales/${saleId}`, { "if-none-match": String(ok.headers.etag) }),
      await send("POST", `/api/sales/${saleId}/token`),
      await send("POST", "/api/orders", { "content-type": "text/plain" }, "x"),
      await send("GET", "/api/sales/not-a-sale"),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 304, 401, 415, 404]);
    for (const a of answers) {
      expect(a.headers["x-content-type-options"]).toBe("nosniff");
      expect(a.headers["x-frame-options"]).toBe("DENY");
      expect(a.headers["content-security-policy"]).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      );
      expect(a.headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
      expect(a.headers["strict-transport-security"]).toBeUndefined();
    }
  });

  it("HSTS only when the load balancer says the request came over https", async () => {
    const res = await send("GET", `/api/sales/${saleId}`, { "x-forwarded-proto": "https" });
    expect(res.headers["strict-transport-security"]).toBe("max-age=63072000; includeSubDomains");
  });
});
