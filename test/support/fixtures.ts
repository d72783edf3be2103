import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { db } from "@/db";
import { products, sales, users, type NewSale } from "@/db/schema";
import { armSale } from "@/lib/gate/arm";

/** Rows for tests, written through drizzle to the run's own database. */

export async function createUsers(
  n: number,
  role: "shopper" | "merchant" = "shopper",
): Promise<string[]> {
  const ids = Array.from({ length: n }, () => randomUUID());
  for (let i = 0; i < ids.length; i += 1000) {
    await db()
      .insert(users)
      .values(
        ids.slice(i, i + 1000).map((id) => ({
          id,
          email: `${id}@test.stampede`,
          name: `Shopper ${id.slice(0, 6)}`,
          role,
        })),
      );
  }
  return ids;
}

export async function createProduct(slug = `p-${randomUUID().slice(0, 8)}`) {
  const [p] = await db()
    .insert(products)
    .values({
      slug,
      name: `Product ${slug}`,
      description: "A test product",
      priceCents: 1000,
      imageUrl: "/products/aurora-runner.svg",
    })
    .returning();
  return p!;
}

/** A sale that is live now (unless overridden), armed in Redis. */
export async function createLiveSale(overrides: Partial<NewSale> = {}) {
  const product = await createProduct();
  const now = Date.now();
  const [sale] = await db()
    .insert(sales)
    .values({
      productId: product.id,
      startsAt: new Date(now - 1000),
      endsAt: new Date(now + 3600_000),
      stock: 100,
      perShopperLimit: 1,
      holdSeconds: 120,
      ...overrides,
    })
    .returning();
  const armed = await armSale(sale!.id);
  if (armed.s !== "armed") throw new Error(`arming failed: ${JSON.stringify(armed)}`);
  return { sale: sale!, product };
}

export async function soldInDb(saleId: string): Promise<number> {
  const [s] = await db().select({ sold: sales.sold }).from(sales).where(eq(sales.id, saleId));
  return s!.sold;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
