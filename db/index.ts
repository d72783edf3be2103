import { chmodSync, mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePg, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { Pool } from "pg";
import { env, type Env } from "@/lib/env";
import * as schema from "./schema";

/**
 * The database: PostgreSQL through node-postgres when DATABASE_URL is set, otherwise embedded
 * PGlite in PGLITE_DIR (one process per data directory). Both speak the same drizzle API.
 */

export type Db = NodePgDatabase<typeof schema>;
export type DbHandle = {
  db: Db;
  kind: "postgres" | "pglite";
  /** Statements sent since start: the metrics endpoint reports it; tests use it to prove cache hits. */
  queryCount: () => number;
  migrate: () => Promise<void>;
  close: () => Promise<void>;
};

const migrationsFolder = path.join(process.cwd(), "db", "migrations");

export function createDb(e: Pick<Env, "DATABASE_URL" | "PGLITE_DIR">): DbHandle {
  let count = 0;
  const logger = { logQuery: () => void count++ };
  if (e.DATABASE_URL) {
    const pool = new Pool({
      connectionString: e.DATABASE_URL,
      max: 10,
      connectionTimeoutMillis: 3_000,
      // A statement stuck behind a dead server must not hold a shopper's request forever.
      statement_timeout: 5_000,
      query_timeout: 6_000,
    });
    pool.on("error", () => {}); // idle clients dropped by a restarting server are replaced
    // A connection reset while a client is checked out (e.g. between a transaction's statements)
    // is emitted on the client itself; unheard, it would kill the process. The query in flight
    // still fails with it, and the pool replaces the client.
    pool.on("connect", (client) => client.on("error", () => {}));
    const db = drizzlePg(pool, { schema, logger });
    return {
      db,
      kind: "postgres",
      queryCount: () => count,
      migrate: () => migratePg(db, { migrationsFolder }),
      close: () => pool.end(),
    };
  }
  const dir = path.resolve(e.PGLITE_DIR);
  // PGlite writes its files world-writable; a directory only the owner may enter covers them.
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const client = new PGlite(dir);
  const db = drizzlePglite(client, { schema, logger });
  return {
    db: db as unknown as Db,
    kind: "pglite",
    queryCount: () => count,
    migrate: () => migratePglite(db, { migrationsFolder }),
    close: () => client.close(),
  };
}

const globalForDb = globalThis as unknown as { __stampedeDb?: DbHandle };

export function dbHandle(): DbHandle {
  globalForDb.__stampedeDb ??= createDb(env());
  return globalForDb.__stampedeDb;
}

export const db = (): Db => dbHandle().db;
