import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDatabase } from "./services";

/**
 * Embedded PGlite behind its socket (scripts/pglite-server.ts) as the shop's processes use it:
 * many node-postgres connections at once, each sending parameterised statements (Parse, Bind,
 * Execute, Sync) and transactions. Each must get its own answers and see its own transaction.
 */

let dir: string;
let server: ChildProcess | undefined;
let url: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "stampede-pglite-test-"));
  const started = await ensureDatabase({ NODE_ENV: "test", PGLITE_DIR: path.join(dir, "pglite") });
  server = started.child;
  url = started.url!;
}, 150_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server!.once("exit", r));
    server.kill("SIGTERM");
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe("PGlite behind its socket", () => {
  it("gives each of many concurrent connections its own statement's answer", async () => {
    const pools = [1, 2, 3].map(() => new pg.Pool({ connectionString: url, max: 4 }));
    try {
      const asks = Array.from({ length: 300 }, (_, i) =>
        pools[i % 3]!.query<{ n: number; s: string }>(
          i % 2 ? "select $1::int as n, $2::text as s" : "select $1::int + 0 as n, $2 || '' as s",
          [i, `v${i}`],
        ),
      );
      const rows = (await Promise.all(asks)).map((r) => r.rows[0]);
      rows.forEach((row, i) => expect(row).toEqual({ n: i, s: `v${i}` }));
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it("keeps a transaction to its own connection, and rolls back one whose client left", async () => {
    const a = new pg.Client({ connectionString: url });
    const b = new pg.Client({ connectionString: url });
    await Promise.all([a.connect(), b.connect()]);
    try {
      await a.query("create table if not exists t (n int)");
      await a.query("begin");
      await a.query("insert into t values ($1)", [1]);
      // b's statement waits for a's transaction to end rather than running inside it.
      const seen = b.query<{ c: number }>("select count(*)::int as c from t");
      await a.query("rollback");
      expect((await seen).rows[0]!.c).toBe(0);

      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query("begin");
      await c.query("insert into t values ($1)", [2]);
      await c.end(); // gone with its transaction open
      expect((await b.query<{ c: number }>("select count(*)::int as c from t")).rows[0]!.c).toBe(0);
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
  });
});
