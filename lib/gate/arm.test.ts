import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { dbHandle } from "@/db";
import { getSaleState, postToken } from "@/lib/http/sale-api";
import { redis } from "@/lib/redis/client";
import { saleKeys } from "@/lib/redis/keys";
import { checkout } from "@/lib/orders/checkout";
import { createLiveSale, createUsers, sleep, soldInDb } from "@/test/support/fixtures";
import { sessionCookieFor, snapshotSale } from "@/test/support/hostile";
import { ARM_LOOKUPS, armSale, rearm } from "./arm";
import { buyNow } from "./buy-now";
import { gate } from "./gate";

describe("arming names a sale only as PostgreSQL spells its id", () => {
  it("the id in upper case arms nothing: a shopper with a limit of 1 cannot buy a second unit by changing case", async () => {
    const { sale } = await createLiveSale({ stock: 10, perShopperLimit: 1 });
    const [scalper] = await createUsers(1);
    const first = await buyNow(sale.id, scalper!);
    if (first.status !== "secured") throw new Error(first.status);
    expect(await checkout(scalper!, first.token)).toMatchObject({ status: "confirmed" });
    const before = await snapshotSale(sale.id);

    for (const spelling of [
      sale.id.toUpperCase(),
      sale.id.replace(/[a-f]/, (c) => c.toUpperCase()),
    ]) {
      // PostgreSQL finds the sale under either spelling (uuid equality ignores case) …
      expect(await armSale(spelling)).toEqual({ s: "no_sale" });
      expect(await rearm(spelling)).toEqual({ s: "no_sale" });
      // … but Redis keys are case-sensitive: a second gate there would have its own stock and limit.
      expect(await gate.state(spelling)).toEqual({ s: "not_armed" });
      expect(await buyNow(spelling, scalper!)).toEqual({ status: "not_found" });
    }
    expect(await snapshotSale(sale.id)).toEqual(before);
    expect(await soldInDb(sale.id)).toBe(1);
  });
});

describe("made-up sale ids", () => {
  it("cost PostgreSQL at most the lookup budget; the rest are shed (503), real sales unaffected", async () => {
    const { sale } = await createLiveSale({ stock: 5 });
    const started = Date.now();
    const before = dbHandle().queryCount();
    // No session needed: GET /api/sales/{id} is public, and each id is new (no negative cache hit).
    const replies = await Promise.all(
      Array.from({ length: 400 }, () => getSaleState(randomUUID(), {})),
    );
    const queries = dbHandle().queryCount() - before;
    const seconds = (Date.now() - started) / 1000;
    expect(queries).toBeLessThanOrEqual(ARM_LOOKUPS.BURST + ARM_LOOKUPS.PER_SECOND * seconds + 1);
    expect([...new Set(replies.map((r) => r.status))].sort()).toEqual([404, 503]);
    for (const r of replies.filter((r) => r.status === 503)) {
      expect(r.body).toMatchObject({ status: "unavailable" });
      expect(Number(r.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    }
    // A real sale lives in Redis: it needs no lookup, so the flood does not touch it.
    expect((await getSaleState(sale.id, {})).status).toBe(200);
    const cookie = await sessionCookieFor(randomUUID());
    expect(await postToken(sale.id, { cookie })).toMatchObject({ body: { status: "secured" } });
  });

  it("a real sale Redis lost is shed while the budget is spent, and re-armed once it refills", async () => {
    const { sale } = await createLiveSale({ stock: 5 });
    const k = saleKeys(sale.id);
    await redis().del(k.meta, k.avail, k.holds, k.holder, k.sold);
    // Spend the budget on made-up ids.
    while ((await getSaleState(randomUUID(), {})).status === 404);
    expect((await getSaleState(sale.id, {})).status).toBe(503);
    await sleep(1_000 / ARM_LOOKUPS.PER_SECOND + 100);
    expect(await getSaleState(sale.id, {})).toMatchObject({
      status: 200,
      body: { available: 5, sold: 0 },
    });
  });
});
