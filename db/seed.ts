import bcrypt from "bcryptjs";
import { and, eq, gt, inArray, lte } from "drizzle-orm";
import type { DbHandle } from "./index";
import { demoAccounts, demoProducts } from "./catalog-data";
import { products, sales, users } from "./schema";

/**
 * Idempotent demo data: the catalog, the two demo accounts, and three sales — one live or
 * starting within a minute, one later, one ended. Re-running it keeps a live/soon sale around.
 */
export async function seed({ db }: DbHandle, now = new Date()): Promise<{ liveSaleId: string }> {
  await db
    .insert(products)
    .values(demoProducts.map((p) => ({ ...p, imageUrl: `/products/${p.slug}.svg` })))
    .onConflictDoNothing({ target: products.slug });

  for (const [role, account] of Object.entries(demoAccounts) as [
    keyof typeof demoAccounts,
    (typeof demoAccounts)[keyof typeof demoAccounts],
  ][]) {
    await db
      .insert(users)
      .values({
        email: account.email,
        name: account.name,
        role,
        passwordHash: await bcrypt.hash(account.password, 10),
      })
      .onConflictDoNothing({ target: users.email });
  }

  const bySlug = new Map(
    (
      await db
        .select({ id: products.id, slug: products.slug })
        .from(products)
        .where(inArray(products.slug, ["aurora-runner", "tidal-watch", "canyon-bottle"]))
    ).map((p) => [p.slug, p.id]),
  );
  const featured = bySlug.get("aurora-runner")!;
  const later = bySlug.get("tidal-watch")!;
  const past = bySlug.get("canyon-bottle")!;
  const minutes = (m: number) => new Date(now.getTime() + m * 60_000);

  const current = await db
    .select({ id: sales.id })
    .from(sales)
    .where(and(eq(sales.productId, featured), gt(sales.endsAt, now), eq(sales.status, "scheduled")))
    .limit(1);
  let liveSaleId = current[0]?.id;
  if (!liveSaleId) {
    const [row] = await db
      .insert(sales)
      .values({
        productId: featured,
        startsAt: minutes(1),
        endsAt: minutes(24 * 60),
        stock: 100,
        perShopperLimit: 1,
        holdSeconds: 120,
      })
      .returning({ id: sales.id });
    liveSaleId = row!.id;
  }
  const upcoming = await db
    .select({ id: sales.id })
    .from(sales)
    .where(and(eq(sales.productId, later), gt(sales.startsAt, now)))
    .limit(1);
  if (upcoming.length === 0) {
    await db.insert(sales).values({
      productId: later,
      startsAt: minutes(3 * 24 * 60),
      endsAt: minutes(3 * 24 * 60 + 120),
      stock: 25,
      perShopperLimit: 1,
      holdSeconds: 180,
    });
  }
  const ended = await db
    .select({ id: sales.id })
    .from(sales)
    .where(and(eq(sales.productId, past), lte(sales.endsAt, now)))
    .limit(1);
  if (ended.length === 0) {
    await db.insert(sales).values({
      productId: past,
      startsAt: minutes(-3 * 24 * 60),
      endsAt: minutes(-3 * 24 * 60 + 60),
      stock: 200,
      perShopperLimit: 2,
      holdSeconds: 120,
    });
  }
  return { liveSaleId };
}
