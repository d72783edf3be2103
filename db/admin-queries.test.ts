import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createProduct, createUsers } from "@/test/support/fixtures";
import {
  deleteOrphanImages,
  getImage,
  imageUrl,
  insertImage,
  saleOrdersForExport,
  searchSaleOrders,
} from "./admin-queries";
import { db } from "./index";
import { images, orders, products, sales } from "./schema";

/** The dashboard's queries that do more than one obvious thing, on the run's own PostgreSQL. */

const age = (id: string, hours: number) =>
  db()
    .update(images)
    .set({ createdAt: sql`now() - make_interval(hours => ${hours})` })
    .where(eq(images.id, id));

describe("deleteOrphanImages", () => {
  it("deletes day-old uploads no product uses, and keeps used or recent ones", async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
    const [oldOrphan, oldUsed, newOrphan] = await Promise.all([
      insertImage("image/png", png),
      insertImage("image/png", png),
      insertImage("image/png", png),
    ]);
    await age(oldOrphan, 30);
    await age(oldUsed, 30);
    const p = await createProduct();
    await db()
      .update(products)
      .set({ imageUrl: imageUrl(oldUsed) })
      .where(eq(products.id, p.id));

    expect(await deleteOrphanImages(24)).toBeGreaterThanOrEqual(1);
    expect(await getImage(oldOrphan)).toBeUndefined();
    expect(await getImage(oldUsed)).toBeDefined();
    expect(await getImage(newOrphan)).toBeDefined();
  });
});

describe("orders search and export", () => {
  it("finds orders by email or order-id prefix, pages them, and exports each exactly once", async () => {
    const p = await createProduct();
    const [sale] = await db()
      .insert(sales)
      .values({
        productId: p.id,
        startsAt: new Date(Date.now() - 60_000),
        endsAt: new Date(Date.now() + 3_600_000),
        stock: 10,
      })
      .returning();
    const userIds = await createUsers(5);
    const at = new Date();
    // Same timestamp for all: the export's cursor must still visit every row once.
    await db()
      .insert(orders)
      .values(
        userIds.map((userId, i) => ({
          saleId: sale!.id,
          userId,
          tokenId: `t-${sale!.id}-${i}`,
          priceCents: 1000,
          createdAt: at,
        })),
      );

    const all = await searchSaleOrders(sale!.id, "", 1, 2);
    expect(all.total).toBe(5);
    expect(all.rows).toHaveLength(2);
    expect((await searchSaleOrders(sale!.id, "", 3, 2)).rows).toHaveLength(1);

    const one = all.rows[0]!;
    expect(
      (await searchSaleOrders(sale!.id, one.email.slice(0, 10).toUpperCase(), 1)).rows.map(
        (r) => r.id,
      ),
    ).toEqual([one.id]);
    expect(
      (await searchSaleOrders(sale!.id, one.id.slice(0, 8), 1)).rows.map((r) => r.id),
    ).toContain(one.id);
    expect((await searchSaleOrders(sale!.id, "%", 1)).total).toBe(0);

    const exported: string[] = [];
    for await (const batch of saleOrdersForExport(sale!.id, "", 2))
      exported.push(...batch.map((o) => o.id));
    expect(exported.sort()).toEqual(
      (await searchSaleOrders(sale!.id, "", 1, 50)).rows.map((r) => r.id).sort(),
    );
  });
});
