import "server-only";
import { and, asc, desc, eq, gt, ilike, lt, ne, or, sql, type SQL } from "drizzle-orm";
import { likePattern, looksLikeOrderId, ORDERS_PAGE_SIZE } from "@/lib/admin/orders";
import { db, type Db } from "./index";
import { images, orders, products, sales, users, type Product, type Sale } from "./schema";
import { productColumns, saleWithProductColumns } from "./columns";
import { isUuid } from "@/lib/validation/uuid";

/**
 * Reads and writes of the merchant dashboard. Callers check the merchant, validate the input
 * (lib/admin) and revalidate the storefront; these functions only talk to the database.
 */

const isUniqueViolation = (e: unknown) =>
  typeof e === "object" &&
  e !== null &&
  ((e as { code?: string }).code === "23505" ||
    (e as { cause?: { code?: string } }).cause?.code === "23505");

// ---- Images ----

export const imageUrl = (id: string) => `/api/images/${id}`;

export async function insertImage(contentType: string, data: Buffer): Promise<string> {
  const [row] = await db()
    .insert(images)
    .values({ contentType, data })
    .returning({ id: images.id });
  if (!row) throw new Error("insert returned no row");
  return row.id;
}

export async function getImage(id: string) {
  if (!isUuid(id)) return undefined;
  const [row] = await db()
    .select({ contentType: images.contentType, data: images.data })
    .from(images)
    .where(eq(images.id, id))
    .limit(1);
  return row;
}

/**
 * Uploads no product uses (never saved, or replaced by another image) once they are older than
 * `hours`: the product form saves an upload within minutes, so older ones are litter.
 */
export async function deleteOrphanImages(hours = 24): Promise<number> {
  const deleted = await db()
    .delete(images)
    .where(
      and(
        lt(images.createdAt, sql`now() - make_interval(hours => ${hours})`),
        sql`not exists (select 1 from ${products} where ${products.imageUrl} = '/api/images/' || ${images.id}::text)`,
      ),
    )
    .returning({ id: images.id });
  return deleted.length;
}

export async function imageExists(id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const rows = await db().select({ id: images.id }).from(images).where(eq(images.id, id)).limit(1);
  return rows.length > 0;
}

// ---- Products ----

export async function listProductsForAdmin(): Promise<Product[]> {
  return db()
    .select(productColumns)
    .from(products)
    .orderBy(asc(products.status), desc(products.createdAt), asc(products.name));
}

export async function getProductForAdmin(id: string): Promise<Product | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await db()
    .select(productColumns)
    .from(products)
    .where(eq(products.id, id))
    .limit(1);
  return row;
}

export async function listProductOptions() {
  return db()
    .select({ id: products.id, name: products.name, status: products.status })
    .from(products)
    .orderBy(asc(products.name));
}

export async function slugTaken(slug: string, exceptId?: string): Promise<boolean> {
  const rows = await db()
    .select({ id: products.id })
    .from(products)
    .where(
      exceptId ? and(eq(products.slug, slug), ne(products.id, exceptId)) : eq(products.slug, slug),
    )
    .limit(1);
  return rows.length > 0;
}

type ProductValues = Pick<Product, "slug" | "name" | "description" | "priceCents" | "imageUrl">;

export async function insertProduct(v: ProductValues): Promise<Product | "slug_taken"> {
  try {
    const [row] = await db().insert(products).values(v).returning(productColumns);
    if (!row) throw new Error("insert returned no row");
    return row;
  } catch (e) {
    if (isUniqueViolation(e)) return "slug_taken";
    throw e;
  }
}

export async function updateProduct(
  id: string,
  patch: Partial<ProductValues & Pick<Product, "status">>,
): Promise<Product | "slug_taken" | undefined> {
  try {
    const [row] = await db()
      .update(products)
      .set({ ...patch, updatedAt: new Date() })
      .where(eq(products.id, id))
      .returning(productColumns);
    return row;
  } catch (e) {
    if (isUniqueViolation(e)) return "slug_taken";
    throw e;
  }
}

/** Whether one of the product's sales is on the storefront (not cancelled and not over). */
export async function productHasOpenSale(productId: string, now = new Date()): Promise<boolean> {
  const rows = await db()
    .select({ id: sales.id })
    .from(sales)
    .where(
      and(eq(sales.productId, productId), ne(sales.status, "cancelled"), gt(sales.endsAt, now)),
    )
    .limit(1);
  return rows.length > 0;
}

// ---- Sales ----

export type AdminSale = Sale & {
  product: Pick<Product, "id" | "slug" | "name" | "imageUrl" | "priceCents" | "status">;
  orders: number;
};

const ordersCount = sql<number>`(select count(*)::int from ${orders} where ${orders.saleId} = ${sales.id} and ${orders.status} = 'confirmed')`;

const adminSaleColumns = {
  sale: sales,
  product: { ...saleWithProductColumns.product, status: products.status },
  orders: ordersCount,
};

const toAdminSale = (r: {
  sale: Sale;
  product: AdminSale["product"];
  orders: number;
}): AdminSale => ({
  ...r.sale,
  product: r.product,
  orders: r.orders,
});

export async function listSalesForAdmin(): Promise<AdminSale[]> {
  const rows = await db()
    .select(adminSaleColumns)
    .from(sales)
    .innerJoin(products, eq(products.id, sales.productId))
    .orderBy(desc(sales.startsAt));
  return rows.map(toAdminSale);
}

export async function getSaleForAdmin(id: string): Promise<AdminSale | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await db()
    .select(adminSaleColumns)
    .from(sales)
    .innerJoin(products, eq(products.id, sales.productId))
    .where(eq(sales.id, id))
    .limit(1);
  return row ? toAdminSale(row) : undefined;
}

type SaleValues = Pick<
  Sale,
  "productId" | "startsAt" | "endsAt" | "stock" | "perShopperLimit" | "holdSeconds"
>;

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type SaleWindow = Pick<Sale, "id" | "startsAt" | "endsAt">;

/**
 * A sale of the product, not cancelled, whose window meets [startsAt, endsAt): one product has
 * one sale at a time. Inside a transaction that holds the product row (`lockProduct`), the
 * answer stays true until the write commits.
 */
export async function overlappingSale(
  productId: string,
  startsAt: Date,
  endsAt: Date,
  exceptId?: string,
  tx: Db | Tx = db(),
): Promise<SaleWindow | undefined> {
  if (!isUuid(productId)) return undefined;
  const [row] = await tx
    .select({ id: sales.id, startsAt: sales.startsAt, endsAt: sales.endsAt })
    .from(sales)
    .where(
      and(
        eq(sales.productId, productId),
        ne(sales.status, "cancelled"),
        lt(sales.startsAt, endsAt),
        gt(sales.endsAt, startsAt),
        exceptId ? ne(sales.id, exceptId) : undefined,
      ),
    )
    .orderBy(asc(sales.startsAt))
    .limit(1);
  return row;
}

/** Serializes sale writes of one product, so two saves cannot both pass the overlap check. */
const lockProduct = (tx: Tx, productId: string) =>
  tx.select({ id: products.id }).from(products).where(eq(products.id, productId)).for("update");

export async function insertSale(v: SaleValues): Promise<Sale | { overlaps: SaleWindow }> {
  return db().transaction(async (tx) => {
    await lockProduct(tx, v.productId);
    const other = await overlappingSale(v.productId, v.startsAt, v.endsAt, undefined, tx);
    if (other) return { overlaps: other };
    const [row] = await tx.insert(sales).values(v).returning();
    if (!row) throw new Error("insert returned no row");
    return row;
  });
}

/** Removes a sale that was just inserted and could not be armed (it has no orders yet). */
export async function deleteNewSale(id: string): Promise<void> {
  await db()
    .delete(sales)
    .where(and(eq(sales.id, id), eq(sales.sold, 0)));
}

/**
 * Updates a sale that has not started (by PostgreSQL's clock too) and is not cancelled, without
 * putting stock below what is sold or its window over another sale of the product. Returns the
 * row before and after, or why it could not.
 */
export async function updateUnstartedSale(
  id: string,
  v: SaleValues,
): Promise<
  { before: Sale; after: Sale } | "not_found" | "started" | "below_sold" | { overlaps: SaleWindow }
> {
  return db().transaction(async (tx) => {
    const [before] = await tx.select().from(sales).where(eq(sales.id, id)).for("update");
    if (!before) return "not_found";
    if (before.status === "cancelled" || before.startsAt.getTime() <= Date.now()) return "started";
    if (v.stock < before.sold) return "below_sold";
    await lockProduct(tx, v.productId);
    const other = await overlappingSale(v.productId, v.startsAt, v.endsAt, id, tx);
    if (other) return { overlaps: other };
    const [after] = await tx
      .update(sales)
      .set({ ...v, updatedAt: new Date() })
      .where(and(eq(sales.id, id), gt(sales.startsAt, sql`now()`)))
      .returning();
    return after ? { before, after } : "started";
  });
}

/** Puts back the schedule, rules and status a sale had (after the gate refused the change). */
export async function restoreSale(before: Sale): Promise<void> {
  await db()
    .update(sales)
    .set({
      productId: before.productId,
      startsAt: before.startsAt,
      endsAt: before.endsAt,
      stock: before.stock,
      perShopperLimit: before.perShopperLimit,
      holdSeconds: before.holdSeconds,
      status: before.status,
      updatedAt: before.updatedAt,
    })
    .where(eq(sales.id, before.id));
}

export async function setSaleStatus(
  id: string,
  from: Sale["status"],
  to: Sale["status"],
): Promise<{ before: Sale; after: Sale } | undefined> {
  return db().transaction(async (tx) => {
    const [before] = await tx.select().from(sales).where(eq(sales.id, id)).for("update");
    if (!before || before.status !== from) return undefined;
    const [after] = await tx
      .update(sales)
      .set({ status: to, updatedAt: new Date() })
      .where(eq(sales.id, id))
      .returning();
    return after ? { before, after } : undefined;
  });
}

// ---- Orders ----

export type AdminOrder = {
  id: string;
  createdAt: Date;
  status: "confirmed" | "cancelled";
  quantity: number;
  priceCents: number;
  email: string;
  name: string | null;
};

const orderColumns = {
  id: orders.id,
  createdAt: orders.createdAt,
  status: orders.status,
  quantity: orders.quantity,
  priceCents: orders.priceCents,
  email: users.email,
  name: users.name,
};

/** Email contains the text, or the order id starts with it. */
function orderMatch(saleId: string, q: string): SQL | undefined {
  if (!q) return eq(orders.saleId, saleId);
  const byEmail = ilike(users.email, likePattern(q, "contains"));
  const match = looksLikeOrderId(q)
    ? or(byEmail, ilike(sql`${orders.id}::text`, likePattern(q.toLowerCase(), "prefix")))
    : byEmail;
  return and(eq(orders.saleId, saleId), match);
}

export async function searchSaleOrders(
  saleId: string,
  q: string,
  page: number,
  pageSize = ORDERS_PAGE_SIZE,
): Promise<{ rows: AdminOrder[]; total: number }> {
  if (!isUuid(saleId)) return { rows: [], total: 0 };
  const where = orderMatch(saleId, q);
  const [rows, [count]] = await Promise.all([
    db()
      .select(orderColumns)
      .from(orders)
      .innerJoin(users, eq(users.id, orders.userId))
      .where(where)
      .orderBy(desc(orders.createdAt), desc(orders.id))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db()
      .select({ n: sql<number>`count(*)::int` })
      .from(orders)
      .innerJoin(users, eq(users.id, orders.userId))
      .where(where),
  ]);
  return { rows, total: count?.n ?? 0 };
}

/** Confirmed orders of a sale and what they brought in (cents). */
export async function saleOrderTotals(
  saleId: string,
): Promise<{ orders: number; revenueCents: number }> {
  if (!isUuid(saleId)) return { orders: 0, revenueCents: 0 };
  const [row] = await db()
    .select({
      orders: sql<number>`count(*)::int`,
      revenueCents: sql<number>`coalesce(sum(${orders.priceCents} * ${orders.quantity}), 0)::bigint`,
    })
    .from(orders)
    .where(and(eq(orders.saleId, saleId), eq(orders.status, "confirmed")));
  return { orders: row?.orders ?? 0, revenueCents: Number(row?.revenueCents ?? 0) };
}

/** Every matching order, oldest first, in batches (keyset pagination), for the CSV export. */
export async function* saleOrdersForExport(
  saleId: string,
  q = "",
  batch = 1000,
): AsyncGenerator<AdminOrder[]> {
  if (!isUuid(saleId)) return;
  // The cursor keeps PostgreSQL's microseconds (a JS Date would round them to milliseconds).
  let after: { at: string; id: string } | undefined;
  for (;;) {
    const cursor = after
      ? sql`(${orders.createdAt}, ${orders.id}) > (${after.at}::timestamptz, ${after.id}::uuid)`
      : undefined;
    const rows = await db()
      .select({ ...orderColumns, at: sql<string>`${orders.createdAt}::text` })
      .from(orders)
      .innerJoin(users, eq(users.id, orders.userId))
      .where(and(orderMatch(saleId, q), cursor))
      .orderBy(asc(orders.createdAt), asc(orders.id))
      .limit(batch);
    if (rows.length === 0) return;
    yield rows.map(({ at: _at, ...order }) => order);
    const last = rows[rows.length - 1]!;
    after = { at: last.at, id: last.id };
    if (rows.length < batch) return;
  }
}

// ---- Dashboard ----

export async function dashboardCounts() {
  const [row] = await db()
    .select({
      activeProducts: sql<number>`(select count(*)::int from ${products} where ${products.status} = 'active')`,
      archivedProducts: sql<number>`(select count(*)::int from ${products} where ${products.status} = 'archived')`,
      orders: sql<number>`(select count(*)::int from ${orders} where ${orders.status} = 'confirmed')`,
    })
    .from(sql`(select 1) as one`);
  return row ?? { activeProducts: 0, archivedProducts: 0, orders: 0 };
}
