import { eq } from "drizzle-orm";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { products } from "@/db/schema";
import { createProduct } from "@/test/support/fixtures";
import { hostileNumber, nastyString, storable } from "@/test/support/hostile";
import { expectSentences, mostlyPlausible, RUNS } from "@/test/support/hostile-form";
import { checkImage, IMAGE_TYPES, sniffImageType } from "./image";
import { productPatchSchema, validateProduct } from "./product";

/**
 * Product forms, the PATCH schema and image uploads under hostile input. The validators run
 * before anything is written, so the property is: a refusal names a field with a sentence, and
 * whatever they accept PostgreSQL can store (checked in a rolled-back transaction). Sales are in
 * hostile-sale-input.test.ts.
 */

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
