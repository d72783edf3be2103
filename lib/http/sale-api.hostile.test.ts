import fc from "fast-check";
import { encode } from "next-auth/jwt";
import { beforeAll, describe, expect, it } from "vitest";
import { env } from "@/lib/env";
import { buyNow } from "@/lib/gate/buy-now";
import { createLiveSale, createUsers } from "@/test/support/fixtures";
import {
  assertNoPrototypePollution,
  freshShopper,
  hostileBody,
  hostileJsonText,
  hostileSaleId,
  nastyString,
  NO_TRACES,
  sessionCookieFor,
  snapshotSale,
  traces,
  type StateSnapshot,
} from "@/test/support/hostile";
import { parseJsonText } from "./adapters";
import { getMyState, getSaleState, postOrder, postToken } from "./sale-api";
import type { ApiReply } from "./status";
import { isUuid } from "@/lib/validation/uuid";

/**
 * The sale API (the functions behind the route handlers and the fast lane) fed hostile input:
 * every answer is a 4xx with a clear message, never a 5xx, and nothing changes — neither the
 * live sale's counters, rows and orders, nor anything about the made-up ids that were sent.
 */

const RUNS = 300;

let saleId = "";
let before: StateSnapshot;

/** A live sale with a hold and an order in it, so "nothing changed" has something to compare. */
beforeAll(async () => {
  const { sale } = await createLiveSale({ stock: 5 });
  saleId = sale.id;
  const [buyer, holder] = await createUsers(2);
  const bought = await postToken(saleId, { cookie: await sessionCookieFor(buyer!) });
  const token = (bought.body as { token: string }).token;
  expect(
    await postOrder({ cookie: await sessionCookieFor(buyer!), body: { token } }),
  ).toMatchObject({ status: 201 });
  expect(await postToken(saleId, { cookie: await sessionCookieFor(holder!) })).toMatchObject({
    status: 200,
    body: { status: "secured" },
  });
  before = await snapshotSale(saleId);
  expect(before.gate).toMatchObject({ avail: 3, held: 1, sold: 1 });
  expect(before.orders).toHaveLength(1);
});

/** A refusal: 4xx, a JSON body with a status word and a sentence for a person. */
function expectClearRefusal(reply: ApiReply, statuses: number[]) {
  expect(reply.status).toBeLessThan(500);
  expect(statuses).toContain(reply.status);
  const body = reply.body as { status?: unknown; message?: unknown };
  expect(typeof body.status).toBe("string");
  expect(typeof body.message).toBe("string");
  expect((body.message as string).length).toBeGreaterThan(10);
  expect(reply.headers["cache-control"]).toMatch(/no-store/);
}

const NOT_FOUND = { status: "not_found", message: "No such sale." };

/**
 * "No such sale": 404 — or, for an id shaped like a UUID (which costs a PostgreSQL lookup), a
 * shed 503 with Retry-After once this process's lookup budget is spent (lib/gate/arm.ts). The
 * properties below send far more made-up UUIDs per second than that budget allows.
 */
function expectNoSuchSale(reply: ApiReply, id: string) {
  if (reply.status === 503 && isUuid(id)) {
    expect(reply.body).toMatchObject({ status: "unavailable" });
    expect(Number(reply.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    return;
  }
  expect(reply.status).toBe(404);
  expect(reply.body).toEqual(NOT_FOUND);
}

describe("sale ids that name no sale", () => {
  it("POST /api/sales/{id}/token: 404, and no gate key, armed entry or order appears for the id", async () => {
    await fc.assert(
      fc.asyncProperty(hostileSaleId, async (id) => {
        const shopper = freshShopper();
        const reply = await postToken(id, { cookie: await sessionCookieFor(shopper) });
        expectNoSuchSale(reply, id);
        expect(await traces(id, shopper)).toEqual(NO_TRACES);
      }),
      { numRuns: RUNS },
    );
    expect(await snapshotSale(saleId)).toEqual(before);
  });

  it("buyNow (the server action's function): not_found for every made-up id, nothing created", async () => {
    await fc.assert(
      fc.asyncProperty(hostileSaleId, async (id) => {
        const shopper = freshShopper();
        const r = await buyNow(id, shopper);
        if (r.status === "unavailable" && isUuid(id)) expect(r.reason).toBe("busy");
        else expect(r).toEqual({ status: "not_found" });
        expect(await traces(id, shopper)).toEqual(NO_TRACES);
      }),
      { numRuns: RUNS },
    );
    expect(await snapshotSale(saleId)).toEqual(before);
  });

  it("GET /api/sales/{id} and /me: 404 (401 signed out) with any If-None-Match, nothing created", async () => {
    await fc.assert(
      fc.asyncProperty(hostileSaleId, nastyString, async (id, etag) => {
        const shopper = freshShopper();
        expectNoSuchSale(await getSaleState(id, { ifNoneMatch: etag }), id);
        expectNoSuchSale(await getMyState(id, { cookie: await sessionCookieFor(shopper) }), id);
        expectClearRefusal(await getMyState(id, { cookie: null }), [401]);
        expect(await traces(id, shopper)).toEqual(NO_TRACES);
      }),
      { numRuns: RUNS },
    );
    expect(await snapshotSale(saleId)).toEqual(before);
  });

  it("the live sale's id spelled in other letter cases names no sale: no second gate, no bypass of the limit", async () => {
    // PostgreSQL compares UUIDs case-insensitively, Redis keys do not: arming "ABC…" would make a
    // second gate for the same sale, with its own stock and its own per-shopper limit.
    const variants = fc
      .array(fc.boolean(), { minLength: 36, maxLength: 36 })
      .map((upper) => [...saleId].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(""))
      .filter((id) => id !== saleId);
    await fc.assert(
      fc.asyncProperty(variants, async (id) => {
        const shopper = freshShopper();
        const cookie = await sessionCookieFor(shopper);
        expectNoSuchSale(await postToken(id, { cookie }), id);
        expectNoSuchSale(await getSaleState(id, {}), id);
        expectNoSuchSale(await getMyState(id, { cookie }), id);
        expect(await traces(id, shopper)).toEqual(NO_TRACES);
      }),
      { numRuns: 50 },
    );
    expect(await snapshotSale(saleId)).toEqual(before);
  });

  it("the live sale itself answers 200, and a hostile If-None-Match never yields a 304", async () => {
    await fc.assert(
      fc.asyncProperty(nastyString, async (etag) => {
        const reply = await getSaleState(saleId, { ifNoneMatch: etag });
        expect(reply.status).toBe(200);
      }),
      { numRuns: 100 },
    );
  });
});

describe("sessions an attacker makes up", () => {
  const name = "authjs.session-token";
  const forgedCookie = fc.oneof(
    nastyString.map((v) => `${name}=${v}`),
    nastyString.map((v) => `__Secure-${name}=${v}`),
    fc
      .array(nastyString, { minLength: 1, maxLength: 3 })
      .map((parts) => parts.map((p, i) => `${name}.${i}=${p}`).join("; ")),
    nastyString,
    // A well-formed Auth.js token, but sealed with another secret or for another cookie name.
    fc.uuid().map(async (sub) => {
      const value = await encode({
        token: { sub },
        secret: "not-the-server-secret-not-the-server-secret",
        salt: name,
      });
      return `${name}=${value}`;
    }),
    fc.uuid().map(async (sub) => {
      const value = await encode({ token: { sub }, secret: env().AUTH_SECRET, salt: "other" });
      return `${name}=${value}`;
    }),
    // Sealed with the right secret but expired, or without a subject.
    fc.uuid().map(async (sub) => {
      const value = await encode({
        token: { sub },
        secret: env().AUTH_SECRET,
        salt: name,
        maxAge: -60,
      });
      return `${name}=${value}`;
    }),
    fc.constant(
      (async () =>
        `${name}=${await encode({ token: { role: "merchant" }, secret: env().AUTH_SECRET, salt: name })}`)(),
    ),
    fc.constant(`${name}=${"A".repeat(9000)}`),
  );

  it("401 on every sale route and checkout; the sale does not change", async () => {
    await fc.assert(
      fc.asyncProperty(forgedCookie, hostileBody, async (made, body) => {
        const cookie = await made;
        expectClearRefusal(await postToken(saleId, { cookie }), [401]);
        expectClearRefusal(await getMyState(saleId, { cookie }), [401]);
        expectClearRefusal(await postOrder({ cookie, body }), [401]);
      }),
      { numRuns: RUNS },
    );
    expect(await snapshotSale(saleId)).toEqual(before);
  });
});

describe("checkout bodies", () => {
  it("POST /api/orders with any parsed body but a real token: 400 with a message, nothing changes", async () => {
    await fc.assert(
      fc.asyncProperty(hostileBody, async (body) => {
        const reply = await postOrder({ cookie: await sessionCookieFor(freshShopper()), body });
        expectClearRefusal(reply, [400]);
        expect((reply.body as { status: string }).status).toMatch(
          /^(invalid_request|invalid_token)$/,
        );
        assertNoPrototypePollution();
      }),
      { numRuns: RUNS },
    );
    expect(await snapshotSale(saleId)).toEqual(before);
  });

  it("hostile JSON text through parseJsonText then postOrder: 400/413/415, never 5xx, nothing changes", async () => {
    const contentType = fc.oneof(
      fc.constant("application/json"),
      fc.constant("application/json; charset=utf-8"),
      fc.constantFrom(
        null,
        "",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
      ),
      nastyString,
    );
    await fc.assert(
      fc.asyncProperty(contentType, hostileJsonText, async (type, text) => {
        const parsed = parseJsonText(type, text);
        const reply = parsed.ok
          ? await postOrder({ cookie: await sessionCookieFor(freshShopper()), body: parsed.value })
          : parsed.reply;
        expect(reply.status).toBeGreaterThanOrEqual(400);
        expect(reply.status).toBeLessThan(500);
        expect([400, 413, 415]).toContain(reply.status);
        expect(typeof (reply.body as { message?: unknown }).message).toBe("string");
        assertNoPrototypePollution();
      }),
      { numRuns: RUNS },
    );
    expect(await snapshotSale(saleId)).toEqual(before);
  });
});
