import { randomUUID } from "node:crypto";
import { count, eq } from "drizzle-orm";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { db } from "@/db";
import { orders } from "@/db/schema";
import { gate, type GrantReply } from "@/lib/gate/gate";
import { redis } from "@/lib/redis/client";
import { keys, saleKeys } from "@/lib/redis/keys";
import { signPurchaseToken } from "@/lib/tokens/purchase-token";
import { databaseOutage } from "@/test/support/db-down";
import { createLiveSale, createUsers, sleep, soldInDb } from "@/test/support/fixtures";
import { checkout } from "./checkout";
import { createOutboxWorker } from "./outbox";

type Secured = Extract<GrantReply, { s: "secured" }>;

async function secure(saleId: string, userId: string) {
  const r = await gate.grant(saleId, userId);
  if (r.s !== "secured") throw new Error(`expected secured, got ${r.s}`);
  return {
    reply: r as Secured,
    token: await signPurchaseToken({ userId, saleId, holdId: r.hold, expiresAt: r.exp }),
  };
}

const orderCount = async (saleId: string) =>
  (await db().select({ n: count() }).from(orders).where(eq(orders.saleId, saleId)))[0]!.n;

async function snapshot(saleId: string) {
  const st = await gate.state(saleId);
  if (st.s !== "ok") throw new Error("not armed");
  return {
    avail: st.avail,
    held: st.held,
    sold: st.sold,
    orders: await orderCount(saleId),
    soldInDb: await soldInDb(saleId),
  };
}

const database = databaseOutage();

describe("checkout", () => {
  it("all 100 holders check out: exactly 100 orders, sold == 100 in Redis and PostgreSQL", async () => {
    const { sale } = await createLiveSale({ stock: 100 });
    const shoppers = await createUsers(300);
    const replies = await Promise.all(
      shoppers.map((u) => gate.grant(sale.id, u).then((r) => ({ u, r }))),
    );
    const holders = replies.filter((x) => x.r.s === "secured");
    expect(holders).toHaveLength(100);
    const results = await Promise.all(
      holders.map(async ({ u, r }) =>
        checkout(
          u,
          await signPurchaseToken({
            userId: u,
            saleId: sale.id,
            holdId: (r as Secured).hold,
            expiresAt: (r as Secured).exp,
          }),
        ),
      ),
    );
    // Written by the checkout itself, or left to the outbox when PostgreSQL (one `sales` row for
    // every order) took longer than the checkout waits: the worker writes those.
    expect(results.every((r) => r.status === "confirmed" || r.status === "received")).toBe(true);
    expect(new Set(results.map((r) => ("orderId" in r ? r.orderId : ""))).size).toBe(100);
    await createOutboxWorker({ consumer: "w-100" }).runOnce();
    expect(await snapshot(sale.id)).toEqual({
      avail: 0,
      held: 0,
      sold: 100,
      orders: 100,
      soldInDb: 100,
    });
  });

  it("refuses forged, expired, replayed and someone else's tokens, changing nothing", async () => {
    const { sale } = await createLiveSale({ stock: 5 });
    const [alice, bob] = await createUsers(2);
    const { reply, token } = await secure(sale.id, alice!);
    const before = await snapshot(sale.id);

    const forged = await new SignJWT({ sale: sale.id })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("stampede")
      .setSubject(alice!)
      .setJti(reply.hold)
      .setExpirationTime(Math.ceil(reply.exp / 1000))
      .sign(new TextEncoder().encode("not-the-server-secret-not-the-server-secret"));
    expect(await checkout(alice!, forged)).toMatchObject({ status: "invalid_token" });
    const [h, p] = token.split(".");
    expect(await checkout(alice!, `${h}.${p}.${"A".repeat(43)}`)).toMatchObject({
      status: "invalid_token",
    });
    expect(await checkout(alice!, "not a token")).toMatchObject({ status: "invalid_token" });
    expect(await checkout(alice!, { token })).toMatchObject({ status: "invalid_token" });
    const expired = await signPurchaseToken({
      userId: alice!,
      saleId: sale.id,
      holdId: reply.hold,
      expiresAt: Date.now() - 5_000,
    });
    expect(await checkout(alice!, expired)).toMatchObject({ status: "expired" });
    expect(await checkout(bob!, token)).toMatchObject({ status: "forbidden" });
    // Bob signs his own claims onto Alice's hold? He cannot: he has no secret. With a real token for
    // a hold that is not his (server-signed for bob, hold of alice), consume refuses it.
    const crossed = await signPurchaseToken({
      userId: bob!,
      saleId: sale.id,
      holdId: reply.hold,
      expiresAt: reply.exp,
    });
    expect(await checkout(bob!, crossed)).toMatchObject({ status: "forbidden" });
    expect(await snapshot(sale.id)).toEqual(before);

    const first = await checkout(alice!, token);
    expect(first).toMatchObject({ status: "confirmed", replay: false });
    const afterBuy = await snapshot(sale.id);
    const replay = await checkout(alice!, token);
    expect(replay).toMatchObject({
      status: "confirmed",
      replay: true,
      orderId: (first as { orderId: string }).orderId,
    });
    expect(await checkout(bob!, crossed)).toMatchObject({ status: "forbidden" });
    expect(await snapshot(sale.id)).toEqual(afterBuy);
    expect(afterBuy).toMatchObject({ sold: 1, orders: 1, soldInDb: 1 });
  });

  it("with 2-second holds, 30 of 100 holders walk away: the first 30 in line get their units, nobody else", async () => {
    const { sale } = await createLiveSale({ stock: 100, holdSeconds: 2 });
    const shoppers = await createUsers(160);
    const holders = shoppers.slice(0, 100);
    const waiting = shoppers.slice(100);
    for (const u of holders) await secure(sale.id, u); // sequential: arrival order is the array order
    for (const [i, u] of waiting.entries())
      expect(await gate.grant(sale.id, u)).toMatchObject({ s: "in_line", pos: i + 1 });

    const buyers = holders.slice(30);
    await Promise.all(
      buyers.map(async (u) => {
        const st = await gate.state(sale.id, u);
        if (st.s !== "ok" || !st.hold || !st.exp) throw new Error("no hold");
        expect(
          (
            await checkout(
              u,
              await signPurchaseToken({
                userId: u,
                saleId: sale.id,
                holdId: st.hold,
                expiresAt: st.exp,
              }),
            )
          ).status,
        ).toMatch(/^(confirmed|received)$/);
      }),
    );
    await sleep(2_100); // the 30 walk-aways' holds run out
    const states = await Promise.all(waiting.map((u) => gate.state(sale.id, u)));
    const promoted = waiting.filter((_, i) => (states[i] as { hold?: string }).hold);
    expect(promoted).toEqual(waiting.slice(0, 30));
    // The rest are still in line (a promoted shopper might yet walk away), now at the front.
    const late = await Promise.all(waiting.slice(30).map((u) => gate.grant(sale.id, u)));
    expect(late.map((r) => (r.s === "in_line" ? r.pos : r.s))).toEqual(
      Array.from({ length: 30 }, (_, i) => i + 1),
    );
    for (const u of promoted) {
      const st = await gate.state(sale.id, u);
      if (st.s !== "ok" || !st.hold || !st.exp) throw new Error("no hold");
      expect(
        (
          await checkout(
            u,
            await signPurchaseToken({
              userId: u,
              saleId: sale.id,
              holdId: st.hold,
              expiresAt: st.exp,
            }),
          )
        ).status,
      ).toBe("confirmed");
    }
    await createOutboxWorker({ consumer: "w-walk" }).runOnce();
    expect(await snapshot(sale.id)).toEqual({
      avail: 0,
      held: 0,
      sold: 100,
      orders: 100,
      soldInDb: 100,
    });
    // Nobody else can: every unit is sold, so the remaining line is told "sold out".
    const after = await Promise.all(waiting.slice(30).map((u) => gate.grant(sale.id, u)));
    expect(after.every((r) => r.s === "sold_out")).toBe(true);
  });
});

describe("the outbox", () => {
  it("PostgreSQL down at checkout: the shopper gets 'received'; the worker writes each order once when it is back", async () => {
    const { sale } = await createLiveSale({ stock: 10 });
    const shoppers = await createUsers(5);
    const tokens = await Promise.all(
      shoppers.map(async (u) => ({ u, token: (await secure(sale.id, u)).token })),
    );
    database.down();
    const results = await Promise.all(tokens.map(({ u, token }) => checkout(u, token)));
    expect(results.map((r) => r.status)).toEqual(Array(5).fill("received"));
    const worker = createOutboxWorker({ consumer: "w-down" });
    expect((await worker.runOnce()).transientFailure).toBe(true);
    database.up();
    expect(await orderCount(sale.id)).toBe(0);

    const pass = await worker.runOnce();
    expect(pass).toMatchObject({ written: 5, transientFailure: false });
    expect((await worker.runOnce()).written).toBe(0);
    // A shopper retrying checkout now sees the same order, confirmed.
    const retry = await checkout(tokens[0]!.u, tokens[0]!.token);
    expect(retry).toMatchObject({
      status: "confirmed",
      replay: true,
      orderId: (results[0] as { orderId: string }).orderId,
    });
    expect(await snapshot(sale.id)).toMatchObject({ sold: 5, orders: 5, soldInDb: 5 });
    expect(Number(await redis().xlen(saleKeys(sale.id).outbox))).toBe(0);
  });

  it("a poison entry ends in the dead-letter stream after the bounded retries", async () => {
    const { sale } = await createLiveSale({ stock: 10 });
    // A purchase for a shopper PostgreSQL has never heard of: the foreign key refuses it every time.
    const ghost = randomUUID();
    const { token } = await secure(sale.id, ghost);
    expect((await checkout(ghost, token)).status).toBe("received");
    const deadBefore = Number(await redis().xlen(keys.outboxDead()));
    const worker = createOutboxWorker({ consumer: "w-poison", maxAttempts: 3 });
    const passes = [await worker.runOnce(), await worker.runOnce(), await worker.runOnce()];
    expect(passes.map((p) => [p.retried, p.deadLettered])).toEqual([
      [1, 0],
      [1, 0],
      [0, 1],
    ]);
    expect(Number(await redis().xlen(keys.outboxDead()))).toBe(deadBefore + 1);
    const dead = await redis().xrevrange(keys.outboxDead(), "+", "-", 1);
    expect(JSON.stringify(dead)).toContain(ghost);
    expect(JSON.stringify(dead)).toContain("foreign key");
    expect(Number(await redis().xlen(saleKeys(sale.id).outbox))).toBe(0);
  });

  it("a worker killed mid-batch loses nothing: another takes its entries over", async () => {
    const { sale } = await createLiveSale({ stock: 20 });
    const shoppers = await createUsers(8);
    const tokens = await Promise.all(
      shoppers.map(async (u) => ({ u, token: (await secure(sale.id, u)).token })),
    );
    database.down();
    await Promise.all(tokens.map(({ u, token }) => checkout(u, token)));
    database.up();
    // Worker A reads the batch (entries now pending for A) and dies before acking any of it.
    const stream = saleKeys(sale.id).outbox;
    await redis()
      .xgroup(stream, { type: "CREATE", group: "orders", id: "0", options: { MKSTREAM: true } })
      .catch(() => {});
    const taken = await redis().xreadgroup("orders", "w-crashed", stream, ">", { count: 100 });
    expect(JSON.stringify(taken)).toContain(shoppers[0]);
    // Worker B claims entries idle for 50 ms and writes them.
    await sleep(60);
    const b = createOutboxWorker({ consumer: "w-b", claimIdleMs: 50 });
    expect((await b.runOnce()).written).toBe(8);
    expect(await snapshot(sale.id)).toMatchObject({ sold: 8, orders: 8, soldInDb: 8 });
  });

  it("a sale whose stream was lost is made again, and a broken one does not hold back the rest", async () => {
    const lost = await createLiveSale({ stock: 5 });
    const broken = await createLiveSale({ stock: 5 });
    const { sale } = await createLiveSale({ stock: 5 });
    const worker = createOutboxWorker({ consumer: "w-lost" });
    await worker.runOnce(); // the worker now knows each sale's group
    // Redis loses one sale's stream (and its group); another sale's stream key holds garbage.
    await redis().del(saleKeys(lost.sale.id).outbox);
    await redis().del(saleKeys(broken.sale.id).outbox);
    await redis().set(saleKeys(broken.sale.id).outbox, "not a stream");
    const shoppers = await createUsers(3);
    const tokens = await Promise.all(
      shoppers.map(async (u) => ({ u, token: (await secure(sale.id, u)).token })),
    );
    database.down();
    await Promise.all(tokens.map(({ u, token }) => checkout(u, token)));
    database.up();

    const pass = await worker.runOnce();
    expect(pass).toMatchObject({ written: 3, failedSales: 1 });
    expect(await snapshot(sale.id)).toMatchObject({ sold: 3, orders: 3, soldInDb: 3 });
    const groups = await redis().xinfo(saleKeys(lost.sale.id).outbox, { type: "GROUPS" });
    expect(JSON.stringify(groups)).toContain("orders");
    await redis().del(saleKeys(broken.sale.id).outbox);
  });
});

describe("the armed set", () => {
  it("drops sales long over whose outbox is empty, and keeps live ones", async () => {
    const live = await createLiveSale({ stock: 5 });
    const over = await createLiveSale({
      startsAt: new Date(Date.now() - 7_200_000),
      endsAt: new Date(Date.now() - 3_600_000),
    });
    const worker = createOutboxWorker({ consumer: "w-retire" });
    for (let i = 0; i < 40; i++) await worker.runOnce();
    const armed = ((await redis().smembers(keys.armed())) as unknown[]).map(String);
    expect(armed).toContain(live.sale.id);
    expect(armed).not.toContain(over.sale.id);
  });
});
