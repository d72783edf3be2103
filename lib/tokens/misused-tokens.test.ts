import { describe, expect, it } from "vitest";
import { gate } from "@/lib/gate/gate";
import { postOrder } from "@/lib/http/sale-api";
import { snapshotSale } from "@/test/support/hostile";
import { attempt, twoSalesWithBuyers } from "@/test/support/token-attack";
import { signPurchaseToken } from "./purchase-token";

/**
 * Real, server-signed purchase tokens used wrongly: for another sale, by another shopper,
 * expired, replayed, and replayed after the hold was released. lib/orders/checkout.test.ts
 * covers a token signed with another secret, a replaced signature, non-strings, expiry, another
 * shopper's token and the owner's replay through checkout itself.
 */

const { s: ctx, unchanged } = twoSalesWithBuyers();

describe("real tokens used wrongly", () => {
  it("another sale: a server-signed token naming sale B with a hold of sale A is 409 used", async () => {
    const { saleB, alice } = ctx;
    const crossed = await signPurchaseToken({
      userId: alice.id,
      saleId: saleB,
      holdId: alice.hold,
      expiresAt: alice.exp,
    });
    expect(await attempt(alice, crossed)).toMatchObject({ http: 409, status: "used" });
    await unchanged();
  });

  it("another shopper: bob presenting alice's token is 403, over HTTP too", async () => {
    const { alice, bob } = ctx;
    expect(await attempt(bob, alice.token)).toMatchObject({ http: 403, status: "forbidden" });
    expect(await postOrder({ cookie: bob.cookie, body: { token: alice.token } })).toMatchObject({
      status: 403,
      body: { status: "forbidden", message: "That purchase token belongs to another shopper." },
    });
    await unchanged();
  });

  it("expired: 410, and the unit is not bought", async () => {
    const { saleA, alice } = ctx;
    const expired = await signPurchaseToken({
      userId: alice.id,
      saleId: saleA,
      holdId: alice.hold,
      expiresAt: Date.now() - 1_000,
    });
    expect(await attempt(alice, expired)).toMatchObject({ http: 410, status: "expired" });
    await unchanged();
  });

  it("replayed: the owner gets the same order back (200), anyone else 403, nothing is bought twice", async () => {
    const { saleA, alice, bob } = ctx;
    const first = await postOrder({ cookie: alice.cookie, body: { token: alice.token } });
    expect(first).toMatchObject({ status: 201, body: { status: "confirmed", replay: false } });
    const { orderId } = first.body as { orderId: string };
    const afterBuy = await snapshotSale(saleA);
    expect(afterBuy.gate).toMatchObject({ held: 0, sold: 1 });
    expect(afterBuy.orders).toHaveLength(1);

    const replays = await Promise.all(
      Array.from({ length: 5 }, () =>
        postOrder({ cookie: alice.cookie, body: { token: alice.token } }),
      ),
    );
    for (const r of replays)
      expect(r).toMatchObject({
        status: 200,
        body: { status: "confirmed", replay: true, orderId },
      });
    expect(await attempt(bob, alice.token)).toMatchObject({ http: 403 });
    expect(await snapshotSale(saleA)).toEqual(afterBuy);
    ctx.beforeA = afterBuy;
  });

  it("replayed after the hold was released: 409 used, the unit stays with the sale", async () => {
    const { saleB, bob } = ctx;
    const released = await gate.release(saleB, bob.id, bob.hold);
    expect(released).toMatchObject({ s: "released" });
    const afterRelease = await snapshotSale(saleB);
    expect(await attempt(bob, bob.token)).toMatchObject({ http: 409, status: "used" });
    expect(await postOrder({ cookie: bob.cookie, body: { token: bob.token } })).toMatchObject({
      status: 409,
      body: { status: "used" },
    });
    expect(await snapshotSale(saleB)).toEqual(afterRelease);
    expect(afterRelease.gate).toMatchObject({ held: 0, sold: 0, avail: 5 });
  });
});
