import path from "node:path";
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import { Pool } from "pg";
import { env, type Env } from "@/lib/env";
import * as schema from "./schema";
import { processSingleton } from "@/lib/singleton";

/**
 * The database: PostgreSQL over DATABASE_URL with node-postgres, in every process. With no
 * DATABASE_URL configured, `npm start` and the other scripts run embedded PGlite behind a socket
 * (scripts/pglite-server.ts) and hand its URL to every process they start.
 */

export type Db = NodePgDatabase<typeof schema>;
export type DbHandle = {
  db: Db;
  /** Statements sent since start: the metrics endpoint reports it; tests use it to prove cache hits. */
  queryCount: () => number;
  migrate: () => Promise<void>;
  close: () => Promise<void>;
};

const migrationsFolder = path.join(process.cwd(), "db", "migrations");

/**
 * `patient`: no per-statement deadlines, for migrations and seeding, which may wait on a busy or
 * just-started server longer than a shopper's request should.
 */
export function createDb(e: Pick<Env, "DATABASE_URL">, o: { patient?: boolean } = {}): DbHandle {
  if (!e.DATABASE_URL) {
    throw new Error(
      "DATABASE_URL is not set. `npm start`, `npm run dev` and `npm run cluster` set it to embedded PGlite when it is unset; a bare `npm run serve` or worker needs it given.",
    );
  }
  let count = 0;
  const logger = { logQuery: () => void count++ };
  const pool = new Pool({
    connectionString: e.DATABASE_URL,
    max: 10,
    ...(o.patient
      ? { connectionTimeoutMillis: 60_000 }
      : {
          connectionTimeoutMillis: 3_000,
          // A statement stuck behind a dead server must not hold a shopper's request forever.
          statement_timeout: 5_000,
          query_timeout: 6_000,
        }),
  });
  pool.on("error", () => {}); // idle clients dropped by a restarting server are replaced
  // A connection reset while a client is checked out (e.g. between a transaction's statements)
  // is emitted on the client itself; unheard, it would kill the process. The query in flight
  // still fails with it, and the pool replaces the client.
  pool.on("connect", (client) => client.on("error", () => {}));
  const db = drizzle(pool, { schema, logger });
  return {
    db,
    queryCount: () => count,
    migrate: () => migrate(db, { migrationsFolder }),
    close: () => pool.end(),
  };
}

export const dbHandle = (): DbHandle => processSingleton("db", () => createDb(env()));

export const db = (): Db => dbHandle().db;
