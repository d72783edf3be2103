import { sql, type InferInsertModel, type InferSelectModel } from "drizzle-orm";
import {
  check,
  customType,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });
const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => "bytea" });

// ---- Accounts (Auth.js tables, plus our password hash and role) ----

export const users = pgTable("users", {
  id: text("id")
    .primaryKey()
    .$defaultFn(() => crypto.randomUUID()),
  name: text("name"),
  email: text("email").notNull().unique(),
  emailVerified: timestamp("email_verified", { mode: "date", withTimezone: true }),
  image: text("image"),
  passwordHash: text("password_hash"),
  role: text("role", { enum: ["shopper", "merchant"] })
    .notNull()
    .default("shopper"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
export type User = InferSelectModel<typeof users>;
export type Role = User["role"];

export const accounts = pgTable(
  "accounts",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    provider: text("provider").notNull(),
    providerAccountId: text("provider_account_id").notNull(),
    refresh_token: text("refresh_token"),
    access_token: text("access_token"),
    expires_at: integer("expires_at"),
    token_type: text("token_type"),
    scope: text("scope"),
    id_token: text("id_token"),
    session_state: text("session_state"),
  },
  (t) => [primaryKey({ columns: [t.provider, t.providerAccountId] })],
);

export const sessions = pgTable("sessions", {
  sessionToken: text("session_token").primaryKey(),
  userId: text("user_id")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  expires: timestamp("expires", { mode: "date", withTimezone: true }).notNull(),
});

export const verificationTokens = pgTable(
  "verification_tokens",
  {
    identifier: text("identifier").notNull(),
    token: text("token").notNull(),
    expires: timestamp("expires", { mode: "date", withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.identifier, t.token] })],
);

// ---- Catalog ----

/** Images uploaded by merchants, kept in PostgreSQL so every instance can serve them. */
export const images = pgTable("images", {
  id: uuid("id").primaryKey().defaultRandom(),
  contentType: text("content_type").notNull(),
  data: bytea("data").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
export type Image = InferSelectModel<typeof images>;

export const products = pgTable(
  "products",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    slug: text("slug").notNull().unique(),
    name: text("name").notNull(),
    description: text("description").notNull(),
    priceCents: integer("price_cents").notNull(),
    /** A path under public/ ("/products/x.svg") or an uploaded image ("/api/images/<id>"). */
    imageUrl: text("image_url").notNull(),
    status: text("status", { enum: ["active", "archived"] })
      .notNull()
      .default("active"),
    search: tsvector("search").generatedAlwaysAs(
      sql`setweight(to_tsvector('english', coalesce(name, '')), 'A') || setweight(to_tsvector('english', coalesce(description, '')), 'B')`,
    ),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("products_search_idx").using("gin", t.search),
    check("products_price_positive", sql`${t.priceCents} > 0`),
  ],
);
export type Product = Omit<InferSelectModel<typeof products>, "search">;
export type NewProduct = Omit<InferInsertModel<typeof products>, "search">;

// ---- Sales and orders ----

export const sales = pgTable(
  "sales",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    productId: uuid("product_id")
      .notNull()
      .references(() => products.id),
    startsAt: timestamp("starts_at", { withTimezone: true }).notNull(),
    endsAt: timestamp("ends_at", { withTimezone: true }).notNull(),
    stock: integer("stock").notNull(),
    perShopperLimit: integer("per_shopper_limit").notNull().default(1),
    holdSeconds: integer("hold_seconds").notNull().default(120),
    /**
     * Orders written so far. Checkout bumps it in the order's transaction with `sold < stock`,
     * so PostgreSQL itself refuses an oversell even if Redis lost its state mid-sale.
     */
    sold: integer("sold").notNull().default(0),
    /** What the merchant decided; "live", "upcoming" and "ended" follow from the clock. */
    status: text("status", { enum: ["scheduled", "paused", "cancelled"] })
      .notNull()
      .default("scheduled"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("sales_product_idx").on(t.productId),
    index("sales_window_idx").on(t.startsAt, t.endsAt),
    check("sales_window", sql`${t.startsAt} < ${t.endsAt}`),
    check("sales_stock", sql`${t.stock} >= 1`),
    check("sales_limit", sql`${t.perShopperLimit} >= 1`),
    check("sales_hold", sql`${t.holdSeconds} >= 1`),
    check("sales_sold", sql`${t.sold} >= 0 and ${t.sold} <= ${t.stock}`),
  ],
);
export type Sale = InferSelectModel<typeof sales>;
export type NewSale = InferInsertModel<typeof sales>;

export const orders = pgTable(
  "orders",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    saleId: uuid("sale_id")
      .notNull()
      .references(() => sales.id),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    /** The purchase token's hold id: one order per token, so a retried checkout is a no-op. */
    tokenId: text("token_id").notNull(),
    quantity: integer("quantity").notNull().default(1),
    priceCents: integer("price_cents").notNull(),
    status: text("status", { enum: ["confirmed", "cancelled"] })
      .notNull()
      .default("confirmed"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("orders_token_idx").on(t.tokenId),
    index("orders_sale_idx").on(t.saleId, t.createdAt),
    index("orders_user_idx").on(t.userId, t.createdAt),
  ],
);
export type Order = InferSelectModel<typeof orders>;
export type NewOrder = InferInsertModel<typeof orders>;

/**
 * One receipt email per order, written in the order's transaction and sent by the outbox
 * worker (lib/receipts/sender.ts). A sender takes a `pending` row under a row lock and marks it
 * `sent` in that same transaction, committed as the message's final "." goes out: the lock is the
 * claim, and a worker that dies mid-send gives it back when PostgreSQL drops its connection.
 */
export const receipts = pgTable(
  "receipts",
  {
    orderId: uuid("order_id")
      .primaryKey()
      .references(() => orders.id),
    /** Derived from the order id, so a resend after a crash carries the same Message-ID. */
    messageId: text("message_id").notNull().unique(),
    status: text("status", { enum: ["pending", "sent", "failed"] })
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    recipient: text("recipient"),
    lastError: text("last_error"),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("receipts_due_idx")
      .on(t.nextAttemptAt)
      .where(sql`${t.status} = 'pending'`),
  ],
);
export type Receipt = InferSelectModel<typeof receipts>;
