import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db";
import { products, sales } from "@/db/schema";
import { gate } from "@/lib/gate/gate";
import { redis } from "@/lib/redis/client";
import { saleKeys } from "@/lib/redis/keys";
import { createProduct } from "@/test/support/fixtures";
import { changeSaleStatus, createSaleFrom, updateSaleFrom } from "./save";

/** Saving a sale keeps PostgreSQL (the record) and the Redis gate in step — real PG and Redis. */

const MIN = 60_000;
const form = (productId: string, over: Record<string, string> = {}) => ({
  productId,
  startsAt: new Date(Date.now() + 10 * MIN).toISOString(),
  endsAt: new Date(Date.now() + 70 * MIN).toISOString(),
  stock: "100",
  perShopperLimit: "2",
  holdSeconds: "120",
  ...over,
});
const row = async (id: string) =>
  (await db().select().from(sales).where(eq(sales.id, id)).limit(1))[0];
const gateOf = async (id: string) => {
  const s = await gate.state(id);
  if (s.s !== "ok") throw new Error("not armed");
  return s;
};

async function newSale(over: Record<string, string> = {}) {
  const product = await createProduct();
  const saved = await createSaleFrom(form(product.id, over));
  if (!saved.ok) throw new Error(JSON.stringify(saved.state));
  return { product, saleId: saved.saleId };
}

describe("createSaleFrom", () => {
  it("writes the sale and arms its gate", async () => {
    const { saleId } = await newSale();
    expect((await row(saleId))?.stock).toBe(100);
    expect(await gateOf(saleId)).toMatchObject({ phase: "not_started", stock: 100, avail: 100 });
  });

  it("writes nothing when the input is invalid", async () => {
    const product = await createProduct();
    const before = await db().select().from(sales);
    const saved = await createSaleFrom(form(product.id, { stock: "0" }));
    expect(saved).toMatchObject({ ok: false, state: { status: "invalid" } });
    expect(await db().select().from(sales)).toHaveLength(before.length);
  });

  it("refuses an archived product", async () => {
    const product = await createProduct();
    await db().update(products).set({ status: "archived" }).where(eq(products.id, product.id));
    const saved = await createSaleFrom(form(product.id));
    expect(saved).toMatchObject({
      ok: false,
      state: { fieldErrors: { productId: "That product is archived; restore it first" } },
    });
  });
});

describe("one sale of a product at a time", () => {
  const at = (min: number) => new Date(Date.now() + min * MIN).toISOString();

  it("refuses a window that overlaps the product's other sale, paused ones included, and writes nothing", async () => {
    const { product, saleId } = await newSale({ startsAt: at(-1), endsAt: at(60) });
    expect(await changeSaleStatus(saleId, "pause")).toMatchObject({ ok: true });
    const before = await db().select().from(sales).where(eq(sales.productId, product.id));
    const saved = await createSaleFrom(form(product.id, { startsAt: at(30), endsAt: at(90) }));
    expect(saved).toMatchObject({
      ok: false,
      state: {
        status: "invalid",
        fieldErrors: {
          startsAt: expect.stringMatching(/already has a sale from .+ UTC to .+ UTC/),
        },
      },
    });
    expect(await db().select().from(sales).where(eq(sales.productId, product.id))).toEqual(before);
  });

  it("accepts back-to-back and cancelled neighbours, and shows the overlap with every other error", async () => {
    const { product, saleId } = await newSale({ startsAt: at(10), endsAt: at(70) });
    expect(
      await createSaleFrom(form(product.id, { startsAt: at(70), endsAt: at(80) })),
    ).toMatchObject({ ok: true });
    const both = await createSaleFrom(
      form(product.id, { startsAt: at(20), endsAt: at(30), stock: "0" }),
    );
    expect(both).toMatchObject({
      ok: false,
      state: { fieldErrors: { startsAt: expect.any(String), stock: expect.any(String) } },
    });
    expect(await changeSaleStatus(saleId, "cancel")).toMatchObject({ ok: true });
    expect(
      await createSaleFrom(form(product.id, { startsAt: at(20), endsAt: at(30) })),
    ).toMatchObject({ ok: true });
  });

  it("lets only one of two concurrent overlapping saves through (the product row is locked)", async () => {
    const product = await createProduct();
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        createSaleFrom(form(product.id, { startsAt: at(10 + i), endsAt: at(60 + i) })),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(await db().select().from(sales).where(eq(sales.productId, product.id))).toHaveLength(1);
  });

  it("refuses moving a sale onto another sale of the product", async () => {
    const { product } = await newSale({ startsAt: at(10), endsAt: at(20) });
    const laterStart = at(30);
    const later = await createSaleFrom(form(product.id, { startsAt: laterStart, endsAt: at(40) }));
    if (!later.ok) throw new Error(JSON.stringify(later.state));
    const moved = await updateSaleFrom({
      id: later.saleId,
      ...form(product.id, { startsAt: at(15), endsAt: at(40) }),
    });
    expect(moved).toMatchObject({
      ok: false,
      state: { fieldErrors: { startsAt: expect.stringContaining("can't overlap") } },
    });
    expect((await row(later.saleId))?.startsAt.toISOString()).toBe(laterStart);
  });
});

describe("updateSaleFrom", () => {
  it("changes schedule, stock and rules before the start, in PostgreSQL and in the gate", async () => {
    const { product, saleId } = await newSale();
    const saved = await updateSaleFrom({
      id: saleId,
      ...form(product.id, { stock: "150", holdSeconds: "60" }),
    });
    expect(saved).toEqual({ ok: true, saleId });
    expect(await row(saleId)).toMatchObject({ stock: 150, holdSeconds: 60 });
    expect(await gateOf(saleId)).toMatchObject({ stock: 150, avail: 150, holdMs: 60_000 });
  });

  it("refuses stock below what the gate counts as sold or held, and changes nothing", async () => {
    const { product, saleId } = await newSale();
    // The gate knows of 10 units sold that PostgreSQL has not recorded yet (the outbox lags).
    const k = saleKeys(saleId);
    await redis().set(k.sold, 10);
    await redis().set(k.avail, 90);
    const saved = await updateSaleFrom({ id: saleId, ...form(product.id, { stock: "5" }) });
    expect(saved).toMatchObject({
      ok: false,
      state: { fieldErrors: { stock: "Stock can't go below the 10 units already sold or held" } },
    });
    expect((await row(saleId))?.stock).toBe(100);
    expect((await gateOf(saleId)).stock).toBe(100);
  });

  it("puts the PostgreSQL row back when the gate refuses to arm", async () => {
    const { product, saleId } = await newSale();
    const before = await row(saleId);
    // A gate whose free units are gone (held elsewhere) cannot shrink: arming says invalid.
    await redis().set(saleKeys(saleId).avail, 0);
    const saved = await updateSaleFrom({
      id: saleId,
      ...form(product.id, { stock: "50", perShopperLimit: "3" }),
    });
    expect(saved).toMatchObject({
      ok: false,
      state: {
        fieldErrors: { stock: "Stock can't go below the units already sold or held in the sale" },
      },
    });
    expect(await row(saleId)).toEqual(before);
    expect((await gateOf(saleId)).limit).toBe(2);
  });

  it("refuses every change once the sale has started", async () => {
    const { product, saleId } = await newSale({
      startsAt: new Date(Date.now() - MIN).toISOString(),
    });
    const before = await row(saleId);
    const saved = await updateSaleFrom({
      id: saleId,
      ...form(product.id, { startsAt: before!.startsAt.toISOString(), stock: "120" }),
    });
    expect(saved).toMatchObject({
      ok: false,
      state: { fieldErrors: { stock: "The sale has started: this can no longer change" } },
    });
    expect(await row(saleId)).toEqual(before);
  });
});

describe("changeSaleStatus", () => {
  it("pauses, resumes and cancels, in PostgreSQL and in the gate", async () => {
    const { saleId } = await newSale({ startsAt: new Date(Date.now() - MIN).toISOString() });
    expect((await gateOf(saleId)).phase).toBe("live");

    expect(await changeSaleStatus(saleId, "pause")).toMatchObject({ ok: true });
    expect((await row(saleId))?.status).toBe("paused");
    expect((await gateOf(saleId)).phase).toBe("paused");

    expect(await changeSaleStatus(saleId, "pause")).toMatchObject({
      ok: false,
      state: { message: "This sale is already paused." },
    });

    expect(await changeSaleStatus(saleId, "resume")).toMatchObject({ ok: true });
    expect((await gateOf(saleId)).phase).toBe("live");

    expect(await changeSaleStatus(saleId, "cancel")).toMatchObject({ ok: true });
    expect((await row(saleId))?.status).toBe("cancelled");
    expect((await gateOf(saleId)).phase).toBe("ended");
    expect(await changeSaleStatus(saleId, "resume")).toMatchObject({ ok: false });
  });
});
