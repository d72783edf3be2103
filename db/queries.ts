import "server-only";
import { and, asc, desc, eq, gt, ne, sql } from "drizzle-orm";
import { db } from "./index";
import { orders, products, sales, users, type Product, type Sale } from "./schema";
import { productColumns, saleWithProductColumns } from "./columns";

/**
 * Every read and write the shop makes, in one place. Callers add caching (lib/cache) and
 * revalidation (lib/catalog); these functions only talk to the database.
 */

export async function listActiveProducts(): Promise<Product[]> {
  return db()
    .select(productColumns)
    .from(products)
    .where(eq(products.status, "active"))
    .orderBy(asc(products.name));
}

export async function getProductBySlug(slug: string): Promise<Product | undefined> {
  const [row] = await db()
    .select(productColumns)
    .from(products)
    .where(eq(products.slug, slug))
    .limit(1);
  return row;
}

/** Turns free text into a prefix tsquery ("run shoe" → "run:* & shoe:*"), or null if nothing is left. */
export function toPrefixQuery(q: string): string | null {
  const words = q
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^\p{L}\p{N}\s]/gu, " ")
    .split(/\s+/)
    .filter((w) => w.length > 0)
    .slice(0, 8);
  return words.length ? words.map((w) => `${w}:*`).join(" & ") : null;
}

/** Ranked full-text search over names (weight A) and descriptions (weight B). */
export async function searchProducts(q: string, limit = 24): Promise<Product[]> {
  const query = toPrefixQuery(q);
  if (!query) return [];
  const tsq = sql`to_tsquery('english', ${query})`;
  return db()
    .select(productColumns)
    .from(products)
    .where(and(eq(products.status, "active"), sql`${products.search} @@ ${tsq}`))
    .orderBy(desc(sql`ts_rank(${products.search}, ${tsq})`), asc(products.name))
    .limit(limit);
}

// ---- Sales ----

export type SaleWithProduct = Sale & {
  product: Pick<Product, "id" | "slug" | "name" | "imageUrl" | "priceCents">;
};

/** Sales that are live or not yet over, soonest first (cancelled ones left out). */
export async function listCurrentSales(now = new Date()): Promise<SaleWithProduct[]> {
  const rows = await db()
    .select(saleWithProductColumns)
    .from(sales)
    .innerJoin(products, eq(products.id, sales.productId))
    .where(and(gt(sales.endsAt, now), ne(sales.status, "cancelled")))
    .orderBy(asc(sales.startsAt));
  return rows.map((r) => ({ ...r.sale, product: r.product }));
}

export async function getSale(id: string): Promise<SaleWithProduct | undefined> {
  const [row] = await db()
    .select(saleWithProductColumns)
    .from(sales)
    .innerJoin(products, eq(products.id, sales.productId))
    .where(eq(sales.id, id))
    .limit(1);
  return row ? { ...row.sale, product: row.product } : undefined;
}

/** The sale a product page shows: the live one, else the next, else the latest that ended. */
export async function listSalesForProduct(productId: string): Promise<Sale[]> {
  return db()
    .select()
    .from(sales)
    .where(and(eq(sales.productId, productId), ne(sales.status, "cancelled")))
    .orderBy(desc(sales.startsAt));
}

// ---- Users ----

export async function getUserByEmail(email: string) {
  const [row] = await db()
    .select()
    .from(users)
    .where(eq(users.email, email.toLowerCase()))
    .limit(1);
  return row;
}

export async function getUserById(id: string) {
  const [row] = await db().select().from(users).where(eq(users.id, id)).limit(1);
  return row;
}

// ---- Orders ----

export type OrderView = {
  id: string;
  saleId: string;
  status: "confirmed" | "cancelled";
  priceCents: number;
  createdAt: Date;
  product: { slug: string; name: string; imageUrl: string };
};

const orderView = {
  id: orders.id,
  saleId: orders.saleId,
  status: orders.status,
  priceCents: orders.priceCents,
  createdAt: orders.createdAt,
  product: { slug: products.slug, name: products.name, imageUrl: products.imageUrl },
};

export async function listOrdersForUser(userId: string, limit = 100): Promise<OrderView[]> {
  return db()
    .select(orderView)
    .from(orders)
    .innerJoin(sales, eq(sales.id, orders.saleId))
    .innerJoin(products, eq(products.id, sales.productId))
    .where(eq(orders.userId, userId))
    .orderBy(desc(orders.createdAt))
    .limit(limit);
}

export async function getOrderForUser(
  orderId: string,
  userId: string,
): Promise<OrderView | undefined> {
  const [row] = await db()
    .select(orderView)
    .from(orders)
    .innerJoin(sales, eq(sales.id, orders.saleId))
    .innerJoin(products, eq(products.id, sales.productId))
    .where(and(eq(orders.id, orderId), eq(orders.userId, userId)))
    .limit(1);
  return row;
}
