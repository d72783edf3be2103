import http from "node:http";
import type { AddressInfo } from "node:net";
import { decode } from "next-auth/jwt";
import pg from "pg";

/**
 * The naive design a flash sale breaks: every Buy Now is a PostgreSQL transaction on the one
 * `sales` row (UPDATE … stock - 1 WHERE stock > 0, then INSERT the order), and every state poll
 * reads PostgreSQL. No token, no cache, no rate limit, no load shedding, no timeouts. It checks
 * the same Auth.js session cookie as the shop (same secret, same JWE decode), so the two pay the
 * same authentication cost. Tables live in their own schema, `naive`.
 */

export const NAIVE_SCHEMA = `
create schema if not exists naive;
create table if not exists naive.users (
  id text primary key,
  email text not null unique,
  name text,
  password_hash text,
  role text not null default 'shopper',
  created_at timestamptz not null default now()
);
create table if not exists naive.sales (
  id uuid primary key default gen_random_uuid(),
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  initial_stock int not null,
  stock int not null check (stock >= 0)
);
create table if not exists naive.orders (
  id uuid primary key default gen_random_uuid(),
  sale_id uuid not null references naive.sales(id),
  user_id text not null references naive.users(id),
  created_at timestamptz not null default now(),
  unique (sale_id, user_id)
);`;

export async function createNaiveSchema(db: pg.Pool | pg.Client) {
  await db.query(NAIVE_SCHEMA);
}

export async function createNaiveSale(
  db: pg.Pool | pg.Client,
  spec: { stock: number; startsAt: Date; endsAt: Date },
): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `insert into naive.sales (starts_at, ends_at, initial_stock, stock) values ($1, $2, $3, $3) returning id`,
    [spec.startsAt, spec.endsAt, spec.stock],
  );
  return rows[0]!.id;
}

const COOKIE = "authjs.session-token";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function sessionValue(header: string | undefined): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === COOKIE) return part.slice(i + 1).trim();
  }
  return null;
}

type SaleRow = { starts_at: Date; ends_at: Date; initial_stock: number; stock: number; now: Date };

function statusOf(s: SaleRow): "upcoming" | "live" | "sold_out" | "ended" {
  if (s.now < s.starts_at) return "upcoming";
  if (s.now >= s.ends_at) return "ended";
  return s.stock === 0 ? "sold_out" : "live";
}

export type NaiveServer = { url: string; port: number; close: () => Promise<void> };

export async function startNaiveServer(o: {
  databaseUrl: string;
  authSecret: string;
  port?: number;
  host?: string;
  poolSize?: number;
}): Promise<NaiveServer> {
  // The same pool size as the shop; a naive pool queues without limit or timeout.
  const pool = new pg.Pool({ connectionString: o.databaseUrl, max: o.poolSize ?? 10 });
  pool.on("error", () => {});

  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(text),
      "cache-control": "no-store",
    });
    res.end(text);
  };

  async function state(saleId: string, res: http.ServerResponse) {
    const { rows } = await pool.query<SaleRow>(
      `select starts_at, ends_at, initial_stock, stock, now() as now from naive.sales where id = $1`,
      [saleId],
    );
    const s = rows[0];
    if (!s) return send(res, 404, { status: "not_found" });
    send(res, 200, {
      id: saleId,
      status: statusOf(s),
      startsAt: s.starts_at.toISOString(),
      endsAt: s.ends_at.toISOString(),
      stock: s.initial_stock,
      available: s.stock,
      held: 0,
      sold: s.initial_stock - s.stock,
      inLine: 0,
      serverTime: s.now.getTime(),
    });
  }

  async function buy(saleId: string, req: http.IncomingMessage, res: http.ServerResponse) {
    const token = sessionValue(req.headers.cookie);
    const session = token
      ? await decode({ token, secret: o.authSecret, salt: COOKIE }).catch(() => null)
      : null;
    if (!session || typeof session.sub !== "string")
      return send(res, 401, { status: "unauthenticated" });
    const client = await pool.connect();
    try {
      await client.query("begin");
      const taken = await client.query(
        `update naive.sales set stock = stock - 1
         where id = $1 and stock > 0 and now() >= starts_at and now() < ends_at returning stock`,
        [saleId],
      );
      if (taken.rowCount === 0) {
        await client.query("rollback");
        const { rows } = await client.query<SaleRow>(
          `select starts_at, ends_at, initial_stock, stock, now() as now from naive.sales where id = $1`,
          [saleId],
        );
        const s = rows[0];
        if (!s) return send(res, 404, { status: "not_found" });
        const st = statusOf(s);
        if (st === "upcoming")
          return send(res, 200, { status: "not_started", startsAt: s.starts_at.getTime() });
        return send(res, 200, { status: st === "ended" ? "ended" : "sold_out" });
      }
      try {
        const order = await client.query<{ id: string }>(
          `insert into naive.orders (sale_id, user_id) values ($1, $2) returning id`,
          [saleId, session.sub],
        );
        await client.query("commit");
        send(res, 201, { status: "purchased", orderId: order.rows[0]!.id });
      } catch (error) {
        await client.query("rollback");
        if ((error as { code?: string }).code === "23505")
          return send(res, 200, { status: "already_purchased" });
        throw error;
      }
    } finally {
      client.release();
    }
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://naive");
    const saleId = url.searchParams.get("sale") ?? "";
    const run = async () => {
      if (url.pathname === "/health") return send(res, 200, { ok: true });
      if (!UUID.test(saleId)) return send(res, 404, { status: "not_found" });
      if (req.method === "GET" && url.pathname === "/state") return state(saleId, res);
      if (req.method === "POST" && url.pathname === "/buy") return buy(saleId, req, res);
      send(res, 404, { status: "not_found" });
    };
    req.resume();
    run().catch((error: unknown) => {
      if (!res.headersSent)
        send(res, 500, { status: "error", message: error instanceof Error ? error.message : "" });
    });
  });
  await new Promise<void>((resolve) => server.listen(o.port ?? 0, o.host ?? "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${o.host ?? "127.0.0.1"}:${port}`,
    port,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await pool.end();
    },
  };
}
