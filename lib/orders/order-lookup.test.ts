import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { gate, orderIdFor } from "@/lib/gate/gate";
import { signPurchaseToken } from "@/lib/tokens/purchase-token";
import { databaseOutage } from "@/test/support/db-down";
import { createLiveSale, createUsers } from "@/test/support/fixtures";
import { checkout } from "./checkout";
import { lookUpOrder } from "./order-lookup";

async function hold(saleId: string, userId: string) {
  const r = await gate.grant(saleId, userId);
  if (r.s !== "secured") throw new Error(`expected secured, got ${r.s}`);
  return r.hold;
}

/** A purchase as checkout leaves it when PostgreSQL is behind: consumed in Redis, not written. */
async function buyWithoutWriting(saleId: string, userId: string): Promise<string> {
  const holdId = await hold(saleId, userId);
  const consumed = await gate.consume(saleId, userId, holdId);
  if (consumed.s !== "consumed") throw new Error(`expected consumed, got ${consumed.s}`);
  return orderIdFor(saleId, holdId);
}

async function buyAndWrite(saleId: string, userId: string): Promise<string> {
  const holdId = await hold(saleId, userId);
  const token = await signPurchaseToken({ userId, saleId, holdId, expiresAt: Date.now() + 60_000 });
  const result = await checkout(userId, token);
  if (result.status !== "confirmed") throw new Error(`expected confirmed, got ${result.status}`);
  return result.orderId;
}

const database = databaseOutage();

describe("lookUpOrder", () => {
  it("finds a shopper's written order, and nobody else's", async () => {
    const { sale } = await createLiveSale({ stock: 5 });
    const [buyer, other] = await createUsers(2);
    const orderId = await buyAndWrite(sale.id, buyer!);

    const mine = await lookUpOrder(orderId, buyer!, sale.id);
    expect(mine.status).toBe("written");
    if (mine.status === "written") expect(mine.order.id).toBe(orderId);
    expect(await lookUpOrder(orderId, buyer!)).toMatchObject({ status: "written" });
    expect(await lookUpOrder(orderId, other!, sale.id)).toEqual({ status: "unknown" });
  });

  it("knows no order for an unknown or malformed id", async () => {
    const { sale } = await createLiveSale({ stock: 5 });
    const [buyer] = await createUsers(1);
    expect(await lookUpOrder(randomUUID(), buyer!, sale.id)).toEqual({ status: "unknown" });
    expect(await lookUpOrder("not-an-order", buyer!, sale.id)).toEqual({ status: "unknown" });
    expect(await lookUpOrder(randomUUID(), buyer!, "not-a-sale")).toEqual({ status: "unknown" });
  });

  it("a purchase the outbox has not written is pending for its buyer only, in its own sale", async () => {
    const { sale } = await createLiveSale({ stock: 5 });
    const { sale: otherSale } = await createLiveSale({ stock: 5 });
    const [buyer, other] = await createUsers(2);
    const orderId = await buyWithoutWriting(sale.id, buyer!);

    expect(await lookUpOrder(orderId, buyer!, sale.id)).toEqual({ status: "pending" });
    expect(await lookUpOrder(orderId, other!, sale.id)).toEqual({ status: "unknown" });
    expect(await lookUpOrder(orderId, buyer!, otherSale.id)).toEqual({ status: "unknown" });
    expect(await lookUpOrder(orderId, buyer!)).toEqual({ status: "unknown" });
  });

  it("with PostgreSQL down, Redis answers for the purchases it holds; anything else throws", async () => {
    const { sale } = await createLiveSale({ stock: 5 });
    const [buyer, other] = await createUsers(2);
    const pending = await buyWithoutWriting(sale.id, buyer!);
    database.down();

    expect(await lookUpOrder(pending, buyer!, sale.id)).toEqual({ status: "pending" });
    expect(await lookUpOrder(pending, other!, sale.id)).toEqual({ status: "unknown" });
    await expect(lookUpOrder(randomUUID(), buyer!, sale.id)).rejects.toThrow();
    await expect(lookUpOrder(pending, buyer!)).rejects.toThrow();
  });
});
