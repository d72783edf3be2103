import { eq } from "drizzle-orm";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { db } from "@/db";
import { saleOrdersForExport, searchSaleOrders } from "@/db/admin-queries";
import { sales } from "@/db/schema";
import { createSaleFrom, updateSaleFrom } from "@/app/admin/sales/save";
import { gate } from "@/lib/gate/gate";
import { createLiveSale, createProduct } from "@/test/support/fixtures";
import { nastyString, storable } from "@/test/support/hostile";
import {
  expectSentences,
  instant,
  MIN,
  mostlyPlausible,
  RUNS,
  wholeNumber,
} from "@/test/support/hostile-form";
import { parseOrderSearch } from "./orders";
import { validateSale } from "./sale";

/**
 * Sale forms and the orders page's search under hostile input. A refusal names a field with a
 * sentence, and whatever is accepted PostgreSQL can store (checked in a rolled-back
 * transaction): a sale starting in 200,000 BC or a NUL in the order search must not reach
 * PostgreSQL. Products and images are in hostile-product-input.test.ts.
 */

describe("sales", () => {
  const FIELDS = ["productId", "startsAt", "endsAt", "stock", "perShopperLimit", "holdSeconds"];

  it("refusals name a field; accepted sales are storable", async () => {
    const product = await createProduct();
    const form = mostlyPlausible(
      {
        productId: fc.constant(product.id),
        startsAt: fc
          .integer({ min: 1, max: 60 })
          .map((m) => new Date(Date.now() + m * MIN).toISOString()),
        endsAt: fc
          .integer({ min: 61, max: 600 })
          .map((m) => new Date(Date.now() + m * MIN).toISOString()),
        stock: fc.integer({ min: 1, max: 1_000 }).map(String),
        perShopperLimit: fc.integer({ min: 1, max: 10 }).map(String),
        holdSeconds: fc.integer({ min: 2, max: 900 }).map(String),
      },
      fc.oneof(nastyString, wholeNumber, instant),
    );
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(form, async (raw) => {
        const r = validateSale(raw, { now: Date.now(), minHoldSeconds: 2 });
        if (!r.ok) return expectSentences(r.fieldErrors, FIELDS);
        accepted++;
        expect(
          await storable((tx) => tx.insert(sales).values({ ...r.data, productId: product.id })),
        ).toBe(true);
      }),
      { numRuns: RUNS },
    );
    expect(accepted).toBeGreaterThan(0);
  });

  it("createSaleFrom (the create action's logic) never throws, and a refused sale leaves no row and no gate", async () => {
    const product = await createProduct();
    const form = fc.record({
      productId: fc.constant(product.id),
      startsAt: instant,
      endsAt: instant,
      stock: wholeNumber,
      perShopperLimit: wholeNumber,
      holdSeconds: wholeNumber,
    });
    await fc.assert(
      fc.asyncProperty(form, async (values) => {
        const before = await db().select().from(sales).where(eq(sales.productId, product.id));
        const saved = await createSaleFrom(values);
        if (saved.ok) {
          expect(await gate.state(saved.saleId)).toMatchObject({ s: "ok" });
          return;
        }
        expect(["invalid", "failed"]).toContain(saved.state.status);
        expect(await db().select().from(sales).where(eq(sales.productId, product.id))).toEqual(
          before,
        );
      }),
      { numRuns: 150 },
    );
  });
});

describe("sale dates at the ends of time", () => {
  const form = (productId: string, startsAt: string) => ({
    productId,
    startsAt,
    endsAt: new Date(Date.now() + 60 * MIN).toISOString(),
    stock: "10",
    perShopperLimit: "1",
    holdSeconds: "60",
  });
  const FAR = ["-271821-04-20T00:00:00Z", "-004714-01-01T00:00:00Z", "0099-12-31T00:00:00Z"];

  it.each(FAR)("a start of %s is refused by name on create and on edit", async (when) => {
    const product = await createProduct();
    expect(await createSaleFrom(form(product.id, when))).toMatchObject({
      ok: false,
      state: { fieldErrors: { startsAt: "Enter a start date and time between 2000 and 9999" } },
    });
    const created = await createSaleFrom(
      form(product.id, new Date(Date.now() + 10 * MIN).toISOString()),
    );
    if (!created.ok) throw new Error(JSON.stringify(created.state));
    const [before] = await db().select().from(sales).where(eq(sales.id, created.saleId));
    expect(await updateSaleFrom({ id: created.saleId, ...form(product.id, when) })).toMatchObject({
      ok: false,
      state: { status: "invalid", fieldErrors: { startsAt: expect.stringContaining("2000") } },
    });
    expect((await db().select().from(sales).where(eq(sales.id, created.saleId)))[0]).toEqual(
      before,
    );
  });
});

describe("the orders page's search", () => {
  it("any query and page from the URL: a result, never a database error", async () => {
    const { sale } = await createLiveSale({ stock: 2 });
    const param = fc.oneof(
      nastyString,
      fc.array(nastyString, { maxLength: 3 }),
      fc.constant(undefined),
    );
    await fc.assert(
      fc.asyncProperty(param, param, async (q, page) => {
        const search = parseOrderSearch({ q, page });
        expect(search.page).toBeGreaterThanOrEqual(1);
        const found = await searchSaleOrders(sale.id, search.q, search.page);
        expect(found.total).toBe(0);
        const batches = saleOrdersForExport(sale.id, search.q);
        expect((await batches.next()).done).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});
