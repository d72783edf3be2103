import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { redis } from "@/lib/redis/client";
import { keys, saleKeys } from "@/lib/redis/keys";
import { databaseOutage } from "@/test/support/db-down";
import { checkoutWhileDown, orderCount, secure, stockSnapshot } from "@/test/support/checkout";
import { createLiveSale, createUsers, sleep } from "@/test/support/fixtures";
import { checkout } from "./checkout";
import { createOutboxWorker } from "./outbox";

/**
 * What checkout leaves to the outbox and how the worker writes it: PostgreSQL down, a poison
 * entry, a worker killed mid-batch, a lost or broken stream, and retiring sales from the armed
 * set.
 */

const database = databaseOutage();

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
    expect(await stockSnapshot(sale.id)).toMatchObject({ sold: 5, orders: 5, soldInDb: 5 });
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
    await checkoutWhileDown(sale.id, shoppers, database);
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
    expect(await stockSnapshot(sale.id)).toMatchObject({ sold: 8, orders: 8, soldInDb: 8 });
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
    await checkoutWhileDown(sale.id, shoppers, database);

    const pass = await worker.runOnce();
    expect(pass).toMatchObject({ written: 3, failedSales: 1 });
    expect(await stockSnapshot(sale.id)).toMatchObject({ sold: 3, orders: 3, soldInDb: 3 });
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
