import { randomUUID } from "node:crypto";
import { encode } from "next-auth/jwt";
import pg from "pg";

/**
 * Set-up through the data layer: synthetic shoppers as real `users` rows (orders reference
 * them), their Auth.js session cookies minted with the server's own secret, and the sale.
 */

export const SESSION_COOKIE = "authjs.session-token";
/** A fixed bcrypt hash (of "herd-password", cost 4): the herd never signs in with a password. */
const FIXED_HASH = "$2b$04$PLdGSRxfBVyoXjwO2jQTnebZl1x2gLwZ2AmYNjUTyTWS.3FuH6Kke";

export type Shopper = { id: string; email: string; name: string };

/**
 * Inserts `n` shoppers with multi-row INSERTs (one statement per 5,000 rows, arrays unnested
 * server-side). `table` is "users" for the shop and "naive.users" for the baseline.
 */
export async function createShoppers(
  db: pg.Pool | pg.Client,
  n: number,
  { table = "users", runId = randomUUID().slice(0, 8) }: { table?: string; runId?: string } = {},
): Promise<Shopper[]> {
  const out: Shopper[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const id = randomUUID();
    out[i] = { id, email: `herd-${runId}-${i}@herd.stampede.test`, name: `Herd shopper ${i + 1}` };
  }
  for (let i = 0; i < n; i += 5_000) {
    const chunk = out.slice(i, i + 5_000);
    await db.query(
      `insert into ${table} (id, email, name, password_hash, role)
       select id, email, name, $4, 'shopper' from unnest($1::text[], $2::text[], $3::text[]) as u(id, email, name)`,
      [chunk.map((s) => s.id), chunk.map((s) => s.email), chunk.map((s) => s.name), FIXED_HASH],
    );
  }
  return out;
}

/** Cookie headers, as Auth.js itself would set them after sign-in (JWE, the server's secret). */
export async function mintCookies(
  shoppers: readonly Shopper[],
  authSecret: string,
  maxAgeSeconds = 3_600,
): Promise<string[]> {
  const cookies: string[] = new Array(shoppers.length);
  for (let i = 0; i < shoppers.length; i += 1_000) {
    const chunk = shoppers.slice(i, i + 1_000);
    const values = await Promise.all(
      chunk.map((s) =>
        encode({
          token: { sub: s.id, email: s.email, name: s.name, role: "shopper" },
          secret: authSecret,
          salt: SESSION_COOKIE,
          maxAge: maxAgeSeconds,
        }),
      ),
    );
    values.forEach((v, j) => (cookies[i + j] = `${SESSION_COOKIE}=${v}`));
  }
  return cookies;
}

export type SaleSpec = { stock: number; startsAt: Date; endsAt: Date; holdSeconds: number };

/** The shop's own tables: a product and a sale of `stock` units, one per shopper. */
export async function scheduleShopSale(db: pg.Pool | pg.Client, spec: SaleSpec): Promise<string> {
  const slug = `herd-${randomUUID().slice(0, 8)}`;
  const product = await db.query<{ id: string }>(
    `insert into products (slug, name, description, price_cents, image_url)
     values ($1, $2, 'A drop for the herd simulator.', 4200, '/products/aurora-runner.svg') returning id`,
    [slug, `Herd drop ${slug.slice(5)}`],
  );
  const sale = await db.query<{ id: string }>(
    `insert into sales (product_id, starts_at, ends_at, stock, per_shopper_limit, hold_seconds)
     values ($1, $2, $3, $4, 1, $5) returning id`,
    [product.rows[0]!.id, spec.startsAt, spec.endsAt, spec.stock, spec.holdSeconds],
  );
  return sale.rows[0]!.id;
}

/** PostgreSQL's own counters for the current database (the baseline has no metrics endpoint). */
export type PgStat = {
  xactCommit: number;
  xactRollback: number;
  tupReturned: number;
  tupFetched: number;
  tupInserted: number;
  tupUpdated: number;
};

export async function pgStat(db: pg.Pool | pg.Client): Promise<PgStat> {
  // Push this backend's pending counters first (PostgreSQL 15+ buffers them per backend).
  await db.query("select pg_stat_force_next_flush()").catch(() => {});
  const { rows } = await db.query(
    `select xact_commit, xact_rollback, tup_returned, tup_fetched, tup_inserted, tup_updated
     from pg_stat_database where datname = current_database()`,
  );
  const r = rows[0] as Record<string, string>;
  return {
    xactCommit: Number(r.xact_commit),
    xactRollback: Number(r.xact_rollback),
    tupReturned: Number(r.tup_returned),
    tupFetched: Number(r.tup_fetched),
    tupInserted: Number(r.tup_inserted),
    tupUpdated: Number(r.tup_updated),
  };
}

export const pgStatDelta = (a: PgStat, b: PgStat): PgStat => ({
  xactCommit: b.xactCommit - a.xactCommit,
  xactRollback: b.xactRollback - a.xactRollback,
  tupReturned: b.tupReturned - a.tupReturned,
  tupFetched: b.tupFetched - a.tupFetched,
  tupInserted: b.tupInserted - a.tupInserted,
  tupUpdated: b.tupUpdated - a.tupUpdated,
});

/** Creates (or re-creates) a database on the server of `adminUrl`; returns its URL. */
export async function freshDatabase(adminUrl: string, name: string): Promise<string> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`database name "${name}" must be [a-z0-9_]+`);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
