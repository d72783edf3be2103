import { describe, expect, it } from "vitest";
import { gate } from "@/lib/gate/gate";
import { signPurchaseToken } from "@/lib/tokens/purchase-token";
import { secure, soldOut, stockSnapshot, tokenForHold } from "@/test/support/checkout";
import { createLiveSale, createUsers, sleep } from "@/test/support/fixtures";
import { purchaseClaims } from "@/test/support/token-attack";
import { checkout } from "./checkout";
import { createOutboxWorker } from "./outbox";

/**
 * Checkout on the real Redis and PostgreSQL: a sell-out, the tokens it refuses, and holds that
 * run out and pass down the line. PostgreSQL down and the outbox worker are in
 * checkout-outbox.test.ts.
 */

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
      holders.map(async ({ u }) => checkout(u, await tokenForHold(sale.id, u))),
    );
    // Written by the checkout itself, or left to the outbox when PostgreSQL (one `sales` row for
    // every order) took longer than the checkout waits: the worker writes those.
    expect(results.every((r) => r.status === "confirmed" || r.status === "received")).toBe(true);
    expect(new Set(results.map((r) => ("orderId" in r ? r.orderId : ""))).size).toBe(100);
    await createOutboxWorker({ consumer: "w-100" }).runOnce();
    expect(await stockSnapshot(sale.id)).toEqual(soldOut(100));
  });

  it("refuses forged, expired, replayed and someone else's tokens, changing nothing", async () => {
    const { sale } = await createLiveSale({ stock: 5 });
    const [alice, bob] = await createUsers(2);
    const { reply, token } = await secure(sale.id, alice!);
    const before = await stockSnapshot(sale.id);

    const forged = await purchaseClaims({
      sale: sale.id,
      iss: "stampede",
      sub: alice!,
      jti: reply.hold,
      exp: Math.ceil(reply.exp / 1000),
    })
      .setProtectedHeader({ alg: "HS256" })
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
    expect(await stockSnapshot(sale.id)).toEqual(before);

    const first = await checkout(alice!, token);
    expect(first).toMatchObject({ status: "confirmed", replay: false });
    const afterBuy = await stockSnapshot(sale.id);
    const replay = await checkout(alice!, token);
    expect(replay).toMatchObject({
      status: "confirmed",
      replay: true,
      orderId: (first as { orderId: string }).orderId,
    });
    expect(await checkout(bob!, crossed)).toMatchObject({ status: "forbidden" });
    expect(await stockSnapshot(sale.id)).toEqual(afterBuy);
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
      buyers.map(async (u) =>
        expect((await checkout(u, await tokenForHold(sale.id, u))).status).toMatch(
          /^(confirmed|received)$/,
        ),
      ),
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
    for (const u of promoted)
      expect((await checkout(u, await tokenForHold(sale.id, u))).status).toBe("confirmed");
    await createOutboxWorker({ consumer: "w-walk" }).runOnce();
    expect(await stockSnapshot(sale.id)).toEqual(soldOut(100));
    // Nobody else can: every unit is sold, so the remaining line is told "sold out".
    const after = await Promise.all(waiting.slice(30).map((u) => gate.grant(sale.id, u)));
    expect(after.every((r) => r.s === "sold_out")).toBe(true);
  });
});
