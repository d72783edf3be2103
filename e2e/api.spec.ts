import { expect, test, type APIRequestContext } from "@playwright/test";
import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import {
  createSale,
  createShoppers,
  orderCount,
  redisClient,
  saleKey,
  sessionCookie,
  sql,
} from "./support/data";
import { baseURL, e2e } from "./support/env";
import { sessionReads } from "./support/metrics";

/** The gate's guarantees over HTTP, against the running production build. */

test.describe.configure({ timeout: 120_000 });

type Shopper = { id: string; email: string; name: string; cookie: string };

async function shoppers(n: number): Promise<Shopper[]> {
  return Promise.all(
    (await createShoppers(n)).map(async (u) => ({ ...u, cookie: (await sessionCookie(u)).header })),
  );
}

const buy = async (request: APIRequestContext, saleId: string, s: Shopper) => {
  const res = await request.post(`/api/sales/${saleId}/token`, { headers: { cookie: s.cookie } });
  return {
    http: res.status(),
    body: await res.json(),
    retryAfter: Number(res.headers()["retry-after"] ?? 0),
  };
};

/** Like a browser: a shed (503) answer is retried after its Retry-After, with full jitter. */
const buyRetrying = async (request: APIRequestContext, saleId: string, s: Shopper) => {
  for (let attempt = 1; ; attempt++) {
    const r = await buy(request, saleId, s);
    if (r.http !== 503 || attempt === 20) return { ...r, attempts: attempt };
    await new Promise((ok) => setTimeout(ok, r.retryAfter * 1000 * Math.random()));
  }
};
const state = async (request: APIRequestContext, saleId: string) =>
  (await request.get(`/api/sales/${saleId}`)).json();
const order = async (request: APIRequestContext, s: Shopper, token: unknown) => {
  const res = await request.post("/api/orders", { headers: { cookie: s.cookie }, data: { token } });
  return { http: res.status(), body: await res.json() };
};

// Every contract runs against both entry points: the fast lane (node:http in server.ts) and the
// Next.js route handlers (reached with `x-stampede-lane: next`). They must give the same answers.
for (const lane of ["fast", "next"] as const) {
  test.describe(`${lane} lane`, () => {
    test.use({ extraHTTPHeaders: lane === "next" ? { "x-stampede-lane": "next" } : {} });

    test("answers come from the lane under test", async ({ request }) => {
      const { saleId } = await createSale({ stock: 1 });
      const res = await request.get(`/api/sales/${saleId}`);
      expect(res.headers()["x-stampede-lane"]).toBe(lane === "fast" ? "fast" : undefined);
    });

    test("a session is decrypted once: the sale panel's /me, then Buy Now, read it from memory", async ({
      request,
    }) => {
      const [shopper] = await shoppers(1);
      const { saleId } = await createSale({ stock: 5 });
      const before = await sessionReads(request);
      const me = await request.get(`/api/sales/${saleId}/me`, {
        headers: { cookie: shopper!.cookie },
      });
      expect((await me.json()).status).toBe("none");
      expect((await buy(request, saleId, shopper!)).body.status).toBe("secured");
      const after = await sessionReads(request);
      expect(after.decrypted - before.decrypted).toBe(1);
      expect(after.remembered - before.remembered).toBe(1);
    });

    test("1,000 shoppers over HTTP for 50 units: exactly 50 secured; all 50 check out; sold == orders == 50", async ({
      request,
    }) => {
      const crowd = await shoppers(1000);
      const { saleId } = await createSale({ stock: 50 });
      const answers = await Promise.all(crowd.map((s) => buyRetrying(request, saleId, s)));
      expect(answers.map((a) => a.http).filter((h) => h !== 200)).toEqual([]);
      console.log(
        `1,000 concurrent Buy Now over HTTP: ${answers.filter((a) => a.attempts > 1).length} shed once or more and retried`,
      );
      const winners = crowd.filter((_, i) => answers[i]!.body.status === "secured");
      expect(winners).toHaveLength(50);
      expect(answers.every((a) => ["secured", "in_line", "sold_out"].includes(a.body.status))).toBe(
        true,
      );
      let st = await state(request, saleId);
      expect(st.available + st.held + st.sold).toBe(50);

      // One shopper asking 20 times at once gets one token, the same one.
      const again = await Promise.all(
        Array.from({ length: 5 }, () => buy(request, saleId, winners[0]!)),
      );
      expect(new Set(again.filter((a) => a.http === 200).map((a) => a.body.token)).size).toBe(1);

      const tokens = winners.map((s) => answers[crowd.indexOf(s)]!.body.token as string);
      const results = await Promise.all(winners.map((s, i) => order(request, s, tokens[i])));
      expect(results.map((r) => r.http)).toEqual(Array(50).fill(201));
      // Written by the checkouts or, past the few that write themselves, by the outbox worker.
      await expect.poll(() => orderCount(saleId), { timeout: 15_000 }).toBe(50);
      await expect.poll(async () => (st = await state(request, saleId)).sold).toBe(50);
      expect(st).toMatchObject({ available: 0, held: 0, sold: 50, status: "sold_out" });
    });

    test("forged, expired, replayed and someone else's tokens are refused over HTTP and change nothing", async ({
      request,
    }) => {
      const [alice, bob] = await shoppers(2);
      const { saleId } = await createSale({ stock: 3, holdSeconds: 60 });
      const won = await buy(request, saleId, alice!);
      expect(won.body.status).toBe("secured");
      const token = won.body.token as string;
      const snapshot = async () => ({
        st: await state(request, saleId),
        orders: await orderCount(saleId),
      });
      const before = await snapshot();

      const forged = await new SignJWT({ sale: saleId })
        .setProtectedHeader({ alg: "HS256" })
        .setIssuer("stampede")
        .setSubject(alice!.id)
        .setJti("forged-hold")
        .setExpirationTime("5m")
        .sign(new TextEncoder().encode("an attacker's guess at the secret, long enough"));
      const [h, p] = token.split(".");
      const none = `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${p}.`;
      const cases: [string, Shopper, unknown, number][] = [
        ["forged signature", alice!, forged, 400],
        ["alg none", alice!, none, 400],
        ["tampered signature", alice!, `${h}.${p}.AAAA`, 400],
        ["not a string", alice!, 12345, 400],
        ["someone else's", bob!, token, 403],
      ];
      for (const [name, who, t, status] of cases)
        expect((await order(request, who, t)).http, name).toBe(status);
      expect((await request.post("/api/orders", { data: { token } })).status()).toBe(401);
      expect(
        (
          await request.post("/api/orders", {
            headers: { cookie: alice!.cookie, "content-type": "application/json" },
            data: "{oops",
          })
        ).status(),
      ).toBe(400);
      expect(await snapshot()).toEqual({
        ...before,
        st: { ...before.st, serverTime: expect.any(Number) },
      });

      const first = await order(request, alice!, token);
      expect(first.http).toBe(201);
      const replay = await order(request, alice!, token);
      expect(replay.http).toBe(200);
      expect(replay.body.orderId).toBe(first.body.orderId);
      expect((await order(request, bob!, token)).http).toBe(403);
      await expect.poll(() => orderCount(saleId), { timeout: 15_000 }).toBe(1);

      // An expired hold: 2-second holds, wait them out.
      const quick = await createSale({ stock: 2, holdSeconds: 2 });
      const q = await buy(request, quick.saleId, bob!);
      await new Promise((r) => setTimeout(r, 2_300));
      expect((await order(request, bob!, q.body.token)).http).toBe(410);
      expect(await orderCount(quick.saleId)).toBe(0);
    });

    test("with 2-second holds, walk-aways' units go to the line in arrival order over HTTP", async ({
      request,
    }) => {
      const crowd = await shoppers(14);
      const { saleId } = await createSale({ stock: 10, holdSeconds: 2 });
      const holders = crowd.slice(0, 10);
      const waiting = crowd.slice(10);
      const held = [];
      for (const s of holders) held.push((await buy(request, saleId, s)).body);
      for (const [i, s] of waiting.entries())
        expect((await buy(request, saleId, s)).body).toMatchObject({
          status: "in_line",
          position: i + 1,
        });
      // 7 buy, 3 walk away.
      for (let i = 3; i < 10; i++)
        expect((await order(request, holders[i]!, held[i].token)).http).toBe(201);
      await new Promise((r) => setTimeout(r, 2_300));
      const me = await Promise.all(
        waiting.map(async (s) =>
          (await request.get(`/api/sales/${saleId}/me`, { headers: { cookie: s.cookie } })).json(),
        ),
      );
      expect(me.map((m) => m.status)).toEqual(["holding", "holding", "holding", "in_line"]);
      for (let i = 0; i < 3; i++)
        expect((await order(request, waiting[i]!, me[i].token)).http).toBe(201);
      await expect.poll(() => orderCount(saleId), { timeout: 15_000 }).toBe(10);
      expect((await buy(request, saleId, waiting[3]!)).body.status).toBe("sold_out");
    });

    test("a purchase PostgreSQL refuses ends in the dead-letter stream after the worker's bounded retries", async ({
      request,
    }) => {
      // A shopper with a valid session whose account row is gone: the order's foreign key
      // refuses it every time, so checkout says "received" and the outbox gives up on it.
      const ghost = { id: randomUUID(), email: "ghost@e2e.stampede.test", name: "Ghost" };
      const cookie = (await sessionCookie(ghost)).header;
      const { saleId } = await createSale({ stock: 3 });
      const won = await request.post(`/api/sales/${saleId}/token`, { headers: { cookie } });
      const token = (await won.json()).token;
      const placed = await request.post("/api/orders", { headers: { cookie }, data: { token } });
      expect(placed.status()).toBe(201);
      expect((await placed.json()).status).toBe("received");
      const redis = await redisClient();
      await expect
        .poll(
          async () => JSON.stringify(await redis.xRange(`${e2e.redisPrefix}outbox:dead`, "-", "+")),
          { timeout: 20_000 },
        )
        .toContain(ghost.id);
      expect(await redis.xLen(saleKey(saleId, "outbox"))).toBe(0);
      await redis.quit();
      expect(await orderCount(saleId)).toBe(0);
    });

    test("after a Redis flush mid-sale the gate re-arms from PostgreSQL and never sells past stock", async ({
      request,
    }) => {
      const crowd = await shoppers(30);
      const { saleId } = await createSale({ stock: 10 });
      for (const s of crowd.slice(0, 4)) {
        const b = await buy(request, saleId, s);
        expect((await order(request, s, b.body.token)).http).toBe(201);
      }
      const redis = await redisClient();
      const keys = [
        "meta",
        "avail",
        "holds",
        "holdinfo",
        "holder",
        "buyers",
        "sold",
        "line",
        "seq",
        "consumed",
        "outbox",
      ].map((k) => saleKey(saleId, k));
      await redis.del(keys);
      await redis.quit();
      const answers = await Promise.all(crowd.slice(4).map((s) => buy(request, saleId, s)));
      expect(answers.filter((a) => a.body.status === "secured")).toHaveLength(6);
      const st = await state(request, saleId);
      expect(st.sold + st.held + st.available).toBe(10);
      expect(st.sold).toBe(4);
      const { rows } = await sql().query(`select sold, stock from sales where id = $1`, [saleId]);
      expect(rows[0].sold).toBeLessThanOrEqual(rows[0].stock);
    });

    test("the public state is cacheable with an ETag; the private routes need a session", async ({
      request,
    }) => {
      const [s] = await shoppers(1);
      const { saleId } = await createSale({ stock: 5, startsInMs: 60_000 });
      const res = await request.get(`/api/sales/${saleId}`);
      expect(res.status()).toBe(200);
      expect(res.headers()["cache-control"]).toContain("s-maxage=1");
      const etag = res.headers()["etag"]!;
      expect(etag).toMatch(/^W\/"/);
      expect(
        (
          await request.get(`/api/sales/${saleId}`, { headers: { "if-none-match": etag } })
        ).status(),
      ).toBe(304);
      expect(await res.json()).toMatchObject({
        id: saleId,
        status: "upcoming",
        stock: 5,
        available: 5,
        held: 0,
        sold: 0,
        inLine: 0,
      });
      expect((await buy(request, saleId, s!)).body).toMatchObject({ status: "not_started" });
      expect((await request.post(`/api/sales/${saleId}/token`)).status()).toBe(401);
      expect((await request.get(`/api/sales/${saleId}/me`)).status()).toBe(401);
      expect((await request.get(`/api/sales/not-a-uuid`)).status()).toBe(404);
      expect((await request.get(`/api/sales/00000000-0000-4000-8000-000000000000`)).status()).toBe(
        404,
      );
      const list = await (await request.get("/api/sales")).json();
      expect(list.sales.length).toBeGreaterThan(0);
    });
  });
}

test("a lane ticket from /me vouches for the press in the other process, without a decrypt", async ({
  request,
}) => {
  // Node's fetch, which keeps no cookies: every Cookie header is the one written here.
  const call = (method: string, path: string, headers: Record<string, string>) =>
    fetch(`${baseURL}${path}`, { method, headers });
  const setCookie = (res: Response) => res.headers.get("set-cookie") ?? undefined;
  const TICKET_COOKIE =
    /^(stampede\.lane=[\w.-]+); Path=\/api\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/;
  const [shopper, fresh, other] = await shoppers(3);
  const { saleId } = await createSale({ stock: 5 });
  const me = `/api/sales/${saleId}/me`;

  const first = await call("GET", me, { cookie: shopper!.cookie });
  expect(first.status).toBe(200);
  const ticket = TICKET_COOKIE.exec(setCookie(first) ?? "")?.[1];
  expect(ticket).toBeDefined();
  // Sent back, it is the one this process made: nothing new to send.
  const again = await call("GET", me, { cookie: `${shopper!.cookie}; ${ticket}` });
  expect(again.status).toBe(200);
  expect(setCookie(again)).toBeUndefined();
  // The route handler makes the very same ticket for the same session.
  const next = await call("GET", me, { cookie: shopper!.cookie, "x-stampede-lane": "next" });
  expect(next.headers.get("x-stampede-lane")).toBeNull();
  expect(TICKET_COOKIE.exec(setCookie(next) ?? "")?.[1]).toBe(ticket);

  // A shopper the Next.js process has never read, with the ticket the fast lane's /me sent.
  const freshTicket = TICKET_COOKIE.exec(
    setCookie(await call("GET", me, { cookie: fresh!.cookie })) ?? "",
  )?.[1];
  expect(freshTicket).toBeDefined();
  const before = await sessionReads(request);
  const press = await call("POST", `/api/sales/${saleId}/token`, {
    cookie: `${fresh!.cookie}; ${freshTicket}`,
    "x-stampede-lane": "next",
  });
  expect((await press.json()).status).toBe("secured");
  expect(setCookie(press)).toBeUndefined(); // presses never hand tickets out
  const after = await sessionReads(request);
  expect(after.ticketed - before.ticketed).toBe(1);
  expect(after.decrypted - before.decrypted).toBe(0);

  // Beside another shopper's session the ticket counts for nothing: that session is read.
  const theirs = await call("POST", `/api/sales/${saleId}/token`, {
    cookie: `${other!.cookie}; ${freshTicket}`,
    "x-stampede-lane": "next",
  });
  expect((await theirs.json()).status).toBe("secured");
  const mine = await call("GET", me, { cookie: other!.cookie });
  expect((await mine.json()).status).toBe("holding"); // the hold is theirs
  const last = await sessionReads(request);
  expect(last.ticketed - after.ticketed).toBe(0);
  expect(last.decrypted - after.decrypted).toBe(2); // one per process
});
