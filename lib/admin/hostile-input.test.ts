import { eq } from "drizzle-orm";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { db } from "@/db";
import { saleOrdersForExport, searchSaleOrders } from "@/db/admin-queries";
import { products, sales } from "@/db/schema";
import { createSaleFrom, updateSaleFrom } from "@/app/admin/sales/save";
import { gate } from "@/lib/gate/gate";
import { createLiveSale, createProduct } from "@/test/support/fixtures";
import { hostileNumber, nastyString, storable } from "@/test/support/hostile";
import { checkImage, IMAGE_TYPES, sniffImageType } from "./image";
import { parseOrderSearch } from "./orders";
import { productPatchSchema, validateProduct } from "./product";
import { validateSale } from "./sale";

/**
 * The merchant dashboard's validators under hostile input. They run before anything is
 * written, so the property is: a refusal names a field with a sentence, and whatever they
 * accept PostgreSQL can store (checked in a rolled-back transaction): a NUL in a product name,
 * a sale starting in 200,000 BC or a NUL in the order search must not reach PostgreSQL.
 */

const RUNS = 300;
const MIN = 60_000;

/** What a form field can carry: hostile text, and now and then a plausible value. */
const text = (plausible: fc.Arbitrary<string>) =>
  fc.oneof({ weight: 2, arbitrary: nastyString }, { weight: 1, arbitrary: plausible });
const wholeNumber = text(
  fc.oneof(
    fc.integer({ min: 1, max: 1_000 }).map(String),
    hostileNumber.map(String),
    fc.bigInt().map(String),
  ),
);
const instant = text(
  fc.oneof(
    fc.integer({ min: 1, max: 600 }).map((m) => new Date(Date.now() + m * MIN).toISOString()),
    fc
      .date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true })
      .map((d) => d.toISOString()),
    fc.constantFrom("-271821-04-20T00:00:00Z", "+275760-09-13T00:00:00Z", "0000-01-01", "1e400"),
  ),
);

/**
 * A form that is plausible but for one or two hostile fields (so the other checks do not hide
 * them), or hostile throughout.
 */
function mostlyPlausible(
  plausible: Record<string, fc.Arbitrary<string>>,
  hostile: fc.Arbitrary<string>,
): fc.Arbitrary<Record<string, string>> {
  const names = Object.keys(plausible);
  return fc.oneof(
    fc
      .tuple(
        fc.record(plausible),
        fc.subarray(names, { minLength: 0, maxLength: 2 }),
        fc.array(hostile, { minLength: 2, maxLength: 2 }),
      )
      .map(([form, picked, values]) => {
        const out: Record<string, string> = { ...form };
        picked.forEach((n, i) => (out[n] = values[i]!));
        return out;
      }),
    fc.record(Object.fromEntries(names.map((n) => [n, hostile]))),
  );
}

function expectSentences(errors: Partial<Record<string, string>>, fields: readonly string[]) {
  expect(Object.keys(errors).length).toBeGreaterThan(0);
  for (const [field, message] of Object.entries(errors)) {
    expect(fields).toContain(field);
    expect(message).toMatch(/^[A-Z].{6,}/);
  }
}

describe("products", () => {
  const FIELDS = ["name", "slug", "description", "price", "imageId"] as const;
  const form = mostlyPlausible(
    {
      name: fc.string({ unit: "grapheme", minLength: 1, maxLength: 120 }),
      slug: fc.stringMatching(/^[a-z0-9-]{1,80}$/),
      description: fc.string({ unit: "grapheme", minLength: 1, maxLength: 300 }),
      price: fc.integer({ min: 1, max: 99_999 }).map(String),
      imageId: fc.uuid(),
    },
    fc.oneof(nastyString, hostileNumber.map(String)),
  );

  it("refusals name a field; accepted products are stored as they are (PostgreSQL takes them)", async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(form, fc.boolean(), async (raw, requireImage) => {
        const r = validateProduct(raw, { requireImage });
        if (!r.ok) return expectSentences(r.fieldErrors, FIELDS);
        accepted++;
        expect(r.data.priceCents).toBeGreaterThan(0);
        expect(Number.isSafeInteger(r.data.priceCents)).toBe(true);
        const { imageId: _image, ...values } = r.data;
        expect(
          await storable((tx) =>
            tx
              .insert(products)
              .values({ ...values, imageUrl: "/products/harbor-mug.svg" })
              .onConflictDoNothing(),
          ),
        ).toBe(true);
      }),
      { numRuns: RUNS },
    );
    expect(accepted).toBeGreaterThan(0);
  });

  it("PATCH /api/admin/products/{id}: the JSON patch schema takes only what PostgreSQL can store", async () => {
    const patch = fc.oneof(
      fc.record({ name: nastyString }),
      fc.record({ description: nastyString }),
      fc.record({ slug: nastyString }),
      fc.record(
        {
          name: fc.oneof(nastyString, fc.string({ unit: "grapheme", minLength: 1 })),
          description: fc.oneof(nastyString, fc.string({ minLength: 1 })),
          priceCents: fc.oneof(hostileNumber, fc.integer({ min: 1, max: 99_999_999 })),
        },
        { requiredKeys: [] },
      ),
      fc.dictionary(nastyString, fc.anything(), { maxKeys: 3 }),
      fc.anything(),
    );
    const { id } = await createProduct();
    await fc.assert(
      fc.asyncProperty(patch, async (body) => {
        const parsed = productPatchSchema.safeParse(body);
        if (!parsed.success) {
          for (const issue of parsed.error.issues) expect(issue.message.length).toBeGreaterThan(6);
          return;
        }
        const { imageId: _image, ...values } = parsed.data;
        if (Object.keys(values).length === 0) return;
        expect(
          await storable((tx) => tx.update(products).set(values).where(eq(products.id, id))),
        ).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});

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

describe("image uploads", () => {
  const MAGIC: Record<string, number[]> = {
    "image/png": [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    "image/jpeg": [0xff, 0xd8, 0xff],
    "image/gif": [...Buffer.from("GIF89a")],
    "image/webp": [...Buffer.from("RIFF\0\0\0\0WEBP")],
  };
  const bytes = fc.oneof(
    fc.uint8Array({ maxLength: 64 }),
    fc
      .tuple(fc.constantFrom(...Object.values(MAGIC)), fc.uint8Array({ maxLength: 32 }))
      .map(([m, rest]) => Uint8Array.from([...m, ...rest])),
    fc.constant(new TextEncoder().encode('<svg onload="alert(1)"/>')),
    fc.constant(new TextEncoder().encode("<!doctype html><script>alert(1)</script>")),
  );
  const declared = fc.oneof(
    fc.constantFrom(...IMAGE_TYPES, "image/svg+xml", "text/html", ""),
    nastyString,
  );

  it("accepts only bytes that really are the declared image type; never SVG or HTML", () => {
    fc.assert(
      fc.property(bytes, declared, (b, type) => {
        const r = checkImage(b, type);
        if (!r.ok) {
          expect(r.error).toMatch(/^[A-Z].{6,}/);
          return;
        }
        expect(IMAGE_TYPES).toContain(r.contentType);
        expect(sniffImageType(b)).toBe(r.contentType);
      }),
      { numRuns: 500 },
    );
  });
});
