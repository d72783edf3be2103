import { replaceProcessSingleton } from "@/lib/singleton";
import { count, eq } from "drizzle-orm";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { db } from "@/db";
import { orders } from "@/db/schema";
import { buyNow } from "@/lib/gate/buy-now";
import { gate } from "@/lib/gate/gate";
import { env } from "@/lib/env";
import { checkout } from "@/lib/orders/checkout";
import { createOutboxWorker } from "@/lib/orders/outbox";
import { createLiveSale, createUsers } from "@/test/support/fixtures";
import { createRedis, redisHandle, type RedisHandle } from "./client";
import { saleKeys } from "./keys";

/**
 * The failover promise (docs/operations.md): a hold, a purchase or an order is promised only once
 * the shard's replicas have it. Here WAIT asks for more replicas than exist (two, where each
 * master has at most one), so nothing is ever "replicated", as after a shard lost its replica.
 */

const cluster = !!env().REDIS_CLUSTER_NODES;
const opened: RedisHandle[] = [];
const open = (e: Parameters<typeof createRedis>[0]) => {
  const h = createRedis(e);
  opened.push(h);
  return h;
};
let real: RedisHandle | undefined;
/** Swaps the process-wide client for one whose WAIT can never be satisfied, until restore(). */
const replicasMissing = () => {
  real ??= redisHandle();
  replaceProcessSingleton("redis", open({ ...env(), REDIS_WAIT_REPLICAS: 2, REDIS_WAIT_MS: 50 }));
};
const restore = () => {
  if (real) replaceProcessSingleton("redis", real);
};

afterEach(restore);
afterAll(async () => {
  await Promise.all(opened.map((h) => h.close()));
  await redisHandle().close();
});

describe("replicated (WAIT after a marker write)", () => {
  it("costs no command when no replica is asked for", async () => {
    const h = open({ ...env(), REDIS_WAIT_REPLICAS: 0 });
    const before = h.commandCount();
    expect(await h.replicated("any-key")).toBe(true);
    expect(h.commandCount()).toBe(before);
  });

  it("says no after REDIS_WAIT_MS when the replicas are not there", async () => {
    const h = open({ ...env(), REDIS_WAIT_REPLICAS: 2, REDIS_WAIT_MS: 50 });
    const started = Date.now();
    expect(await h.replicated("{some-sale}:meta")).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  it.runIf(cluster)(
    "on a Redis Cluster (TEST_REDIS_CLUSTER only), every master's replica acknowledges, keys on all three",
    async () => {
      const h = open(env());
      const tags = ["a", "b", "c", "d", "e", "f", "g", "h"];
      for (const t of tags) await h.redis.set(`${env().REDIS_PREFIX}wait-test:{${t}}`, "1");
      const acks = await Promise.all(
        tags.map((t) => h.replicated(`${env().REDIS_PREFIX}wait-test:{${t}}`)),
      );
      expect(acks).toEqual(tags.map(() => true));
    },
  );

  it("no shopper is told 'secured', 'confirmed' or 'received' on writes no replica has; retries get the same hold and order", async () => {
    const { sale } = await createLiveSale({ stock: 3 });
    const [user] = await createUsers(1);

    replicasMissing();
    expect(await buyNow(sale.id, user!)).toMatchObject({ status: "unavailable" });
    restore();
    const secured = await buyNow(sale.id, user!);
    if (secured.status !== "secured") throw new Error(`expected secured, got ${secured.status}`);
    const state = await gate.state(sale.id);
    expect(state).toMatchObject({ s: "ok", held: 1, avail: 2 });

    replicasMissing();
    expect(await checkout(user!, secured.token)).toMatchObject({ status: "unavailable" });
    const worker = createOutboxWorker({ consumer: "w-replicas" });
    expect(await worker.runOnce()).toMatchObject({ written: 0, transientFailure: true });
    const orderCount = async () =>
      (await db().select({ n: count() }).from(orders).where(eq(orders.saleId, sale.id)))[0]!.n;
    expect(await orderCount()).toBe(0);
    restore();

    const done = await checkout(user!, secured.token);
    expect(done).toMatchObject({ status: "received", replay: true });
    expect((await worker.runOnce()).written).toBe(1);
    expect(await orderCount()).toBe(1);
    expect(await gate.state(sale.id)).toMatchObject({ s: "ok", held: 0, sold: 1, avail: 2 });
    expect(saleKeys(sale.id).meta).toContain(`{${sale.id}}`);
  });
});
