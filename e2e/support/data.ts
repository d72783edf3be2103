import { randomUUID } from "node:crypto";
import bcrypt from "bcryptjs";
import { encode } from "next-auth/jwt";
import pg from "pg";
import { createClient } from "redis";
import { databaseUrl, e2e, e2eSecrets } from "./env";

/** Direct access to the e2e shop's PostgreSQL and Redis, for setting up and checking tests. */

let pool: pg.Pool | undefined;
export const sql = () => (pool ??= new pg.Pool({ connectionString: databaseUrl(), max: 4 }));

export async function redisClient() {
  const c = createClient({ url: e2e.redisUrl, RESP: 2 });
  await c.connect();
  return c;
}
export const saleKey = (saleId: string, name: string) =>
  `${e2e.redisPrefix}sale:{${saleId}}:${name}`;

export async function createProduct(name = "Test drop") {
  const slug = `e2e-${randomUUID().slice(0, 8)}`;
  const { rows } = await sql().query(
    `insert into products (slug, name, description, price_cents, image_url) values ($1, $2, $3, 4200, '/products/pulse-speaker.svg') returning id, slug`,
    [slug, `${name} ${slug.slice(4)}`, "A product made for one test."],
  );
  return rows[0] as { id: string; slug: string };
}

export async function createSale(
  o: {
    startsInMs?: number;
    stock?: number;
    holdSeconds?: number;
    limit?: number;
    durationMs?: number;
  } = {},
) {
  const product = await createProduct();
  const startsAt = new Date(Date.now() + (o.startsInMs ?? -1_000));
  const endsAt = new Date(startsAt.getTime() + (o.durationMs ?? 3_600_000));
  const { rows } = await sql().query(
    `insert into sales (product_id, starts_at, ends_at, stock, per_shopper_limit, hold_seconds) values ($1, $2, $3, $4, $5, $6) returning id`,
    [product.id, startsAt, endsAt, o.stock ?? 10, o.limit ?? 1, o.holdSeconds ?? 120],
  );
  return { saleId: rows[0].id as string, product, startsAt };
}

const hash = bcrypt.hashSync("e2e-password-1", 4);
export const SHOPPER_PASSWORD = "e2e-password-1";

/** Shoppers straight into the database (password "e2e-password-1"). */
export async function createShoppers(
  n: number,
): Promise<{ id: string; email: string; name: string }[]> {
  const out = Array.from({ length: n }, (_, i) => {
    const id = randomUUID();
    return { id, email: `${id}@e2e.stampede.test`, name: `Shopper ${i + 1}` };
  });
  for (let i = 0; i < out.length; i += 500) {
    const chunk = out.slice(i, i + 500);
    const values = chunk
      .map((_, j) => `($${j * 4 + 1}, $${j * 4 + 2}, $${j * 4 + 3}, $${j * 4 + 4}, 'shopper')`)
      .join(",");
    await sql().query(
      `insert into users (id, email, name, password_hash, role) values ${values}`,
      chunk.flatMap((u) => [u.id, u.email, u.name, hash]),
    );
  }
  return out;
}

/** A session cookie for a shopper, minted with the server's secret (what Auth.js itself would set). */
export async function sessionCookie(
  user: { id: string; email: string; name: string },
  role: "shopper" | "merchant" = "shopper",
) {
  const name = "authjs.session-token";
  const value = await encode({
    token: { sub: user.id, email: user.email, name: user.name, role },
    secret: e2eSecrets.AUTH_SECRET,
    salt: name,
    maxAge: 3600,
  });
  return { name, value, header: `${name}=${value}` };
}

export async function orderCount(saleId: string): Promise<number> {
  const { rows } = await sql().query(`select count(*)::int as n from orders where sale_id = $1`, [
    saleId,
  ]);
  return rows[0].n;
}
