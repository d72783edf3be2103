import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db";
import { insertImage } from "@/db/admin-queries";
import { products } from "@/db/schema";
import { tags } from "@/lib/cache/tags";
import { createLiveSale, createProduct } from "@/test/support/fixtures";
import { productPatchSchema } from "./product";
import {
  createProduct as create,
  setProductArchived,
  SLUG_TAKEN,
  updateProduct,
  type ProductSaved,
} from "./product-service";

/** The one product service behind the merchant form and the PATCH route — real PostgreSQL. */

/** Runs a save, collecting the tags it expired. */
async function saving(run: (expire: (tag: string) => void) => Promise<ProductSaved>) {
  const expired: string[] = [];
  const saved = await run((t) => expired.push(t));
  return { saved, expired };
}
const row = async (id: string) =>
  (await db().select().from(products).where(eq(products.id, id)).limit(1))[0];
const patch = (body: unknown) => productPatchSchema.parse(body);

describe("updateProduct", () => {
  it("changes only the fields given, and leaves the sale list alone when no sale shows the product", async () => {
    const p = await createProduct();
    const { saved, expired } = await saving((e) =>
      updateProduct(p.id, patch({ priceCents: 4321 }), e),
    );
    expect(saved.status).toBe("saved");
    expect(await row(p.id)).toMatchObject({ name: p.name, slug: p.slug, priceCents: 4321 });
    expect(expired.sort()).toEqual([tags.catalog, tags.product(p.slug)].sort());
  });

  it("expires the sale list too when a sale of the product is on the storefront", async () => {
    const { product } = await createLiveSale();
    const { expired } = await saving((e) =>
      updateProduct(product.id, patch({ name: "Renamed" }), e),
    );
    expect(expired).toContain(tags.sales);
  });

  it("a new slug expires the old page and the new one", async () => {
    const p = await createProduct();
    const slug = `moved-${randomUUID().slice(0, 8)}`;
    const { expired } = await saving((e) => updateProduct(p.id, patch({ slug }), e));
    expect(expired).toEqual(expect.arrayContaining([tags.product(p.slug), tags.product(slug)]));
  });

  it("refuses a slug another product has, and changes nothing", async () => {
    const [a, b] = [await createProduct(), await createProduct()];
    const { saved, expired } = await saving((e) =>
      updateProduct(b.id, patch({ slug: a.slug, name: "Clash" }), e),
    );
    expect(saved).toEqual({ status: "invalid", fieldErrors: { slug: SLUG_TAKEN } });
    expect(await row(b.id)).toMatchObject({ slug: b.slug, name: b.name });
    expect(expired).toEqual([]);
  });

  it("refuses an image that was never uploaded, and takes one that was", async () => {
    const p = await createProduct();
    const missing = await saving((e) => updateProduct(p.id, patch({ imageId: randomUUID() }), e));
    expect(missing.saved.status).toBe("invalid");
    expect((await row(p.id))?.imageUrl).toBe(p.imageUrl);
    const imageId = await insertImage("image/png", Buffer.from("png"));
    const taken = await saving((e) => updateProduct(p.id, patch({ imageId }), e));
    expect(taken.saved.status).toBe("saved");
    expect((await row(p.id))?.imageUrl).toBe(`/api/images/${imageId}`);
  });

  it("answers not_found for a product that does not exist", async () => {
    const { saved } = await saving((e) => updateProduct(randomUUID(), patch({ name: "x" }), e));
    expect(saved).toEqual({ status: "not_found" });
  });
});

describe("createProduct", () => {
  const input = (slug: string, imageId?: string) => ({
    name: "Lantern",
    slug,
    description: "A camping lantern.",
    priceCents: 2499,
    imageId,
  });

  it("needs an uploaded image and a free slug", async () => {
    const slug = `new-${randomUUID().slice(0, 8)}`;
    expect((await saving((e) => create(input(slug), e))).saved.status).toBe("invalid");
    const imageId = await insertImage("image/png", Buffer.from("png"));
    const { saved, expired } = await saving((e) => create(input(slug, imageId), e));
    expect(saved.status).toBe("saved");
    expect(expired.sort()).toEqual([tags.catalog, tags.product(slug)].sort());
    const again = await saving((e) => create(input(slug, imageId), e));
    expect(again.saved).toEqual({ status: "invalid", fieldErrors: { slug: SLUG_TAKEN } });
  });
});

describe("setProductArchived", () => {
  it("refuses to archive a product whose sale is on the storefront", async () => {
    const { product } = await createLiveSale();
    const { saved } = await saving((e) => setProductArchived(product.id, true, e));
    expect(saved.status).toBe("refused");
    expect((await row(product.id))?.status).toBe("active");
  });

  it("archives and restores a product with no open sale", async () => {
    const p = await createProduct();
    expect((await saving((e) => setProductArchived(p.id, true, e))).saved.status).toBe("saved");
    expect((await row(p.id))?.status).toBe("archived");
    expect((await saving((e) => setProductArchived(p.id, false, e))).saved.status).toBe("saved");
    expect((await row(p.id))?.status).toBe("active");
  });
});
