import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { createDb } from "@/db";
import { bulkhead } from "./bulkhead";
import { isDbOutage } from "./db-errors";
import { breakerState, createDbGuard, withDb } from "./db-guard";
import { Timeout } from "./timeout";
import { CircuitOpen, isCircuitOpen, isShed, isUnavailable } from "./unavailable";

/** The breaker and budget around PostgreSQL, fed real driver errors from a real server. */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const up = createDb({ DATABASE_URL: process.env.DATABASE_URL });
// Nothing listens on port 1: every query fails with ECONNREFUSED, as with PostgreSQL down.
const down = createDb({ DATABASE_URL: "postgres://postgres@127.0.0.1:1/none" });
const ok = () => up.db.execute(sql`select 1 as one`);
const outage = () => down.db.execute(sql`select 1 as one`);

afterAll(async () => {
  await up.close();
  await down.close();
});

let n = 0;
const guard = (opts: Parameters<typeof createDbGuard>[0] = {}) =>
  createDbGuard({ budget: bulkhead(`db-test-${++n}`, 4), ...opts });

describe("db guard (budget + circuit breaker)", () => {
  it("opens after consecutive outages, rejects fast while open, half-opens and closes after a success", async () => {
    const g = guard({ failures: 3, halfOpenAfterMs: 300 });
    for (let i = 0; i < 3; i++) {
      const error = await g.run(outage).catch((e: unknown) => e);
      expect(isUnavailable(error)).toBe(false); // the real error, not a refusal
      expect(isDbOutage(error)).toBe(true);
    }
    expect(g.state()).toBe("open");
    const openedAt = Date.now();

    let calls = 0;
    const started = performance.now();
    const refused = await Promise.all(
      Array.from({ length: 50 }, () =>
        g
          .run(async () => {
            calls++;
            return ok();
          })
          .catch((e: unknown) => e),
      ),
    );
    expect(performance.now() - started).toBeLessThan(50);
    expect(calls).toBe(0);
    for (const error of refused) {
      expect(isCircuitOpen(error)).toBe(true);
      expect(isUnavailable(error)).toBe(true);
      // Until the probe is due (≤ 300 ms), plus 200–1000 ms of jitter.
      expect((error as CircuitOpen).retryAfterMs).toBeGreaterThanOrEqual(200);
      expect((error as CircuitOpen).retryAfterMs).toBeLessThanOrEqual(1_300);
    }
    expect(g.stats()).toEqual({ state: "open", opened: 1, rejected: 50, outages: 3 });

    await sleep(Math.max(0, openedAt + 320 - Date.now()));
    // The probe is let through; while it runs the state reads half-open.
    const probe = g.run(async () => {
      await sleep(50);
      return ok();
    });
    expect(g.state()).toBe("half-open");
    await expect(probe).resolves.toMatchObject({ rows: [{ one: 1 }] });
    expect(g.state()).toBe("closed");
    await expect(g.run(ok)).resolves.toMatchObject({ rows: [{ one: 1 }] });
  });

  it("re-opens when the half-open probe fails", async () => {
    const g = guard({ failures: 2, halfOpenAfterMs: 100 });
    await g.run(outage).catch(() => {});
    await g.run(outage).catch(() => {});
    expect(g.state()).toBe("open");
    await sleep(120);
    await expect(g.run(outage)).rejects.toSatisfy(isDbOutage);
    expect(g.state()).toBe("open");
    await expect(g.run(ok)).rejects.toSatisfy(isCircuitOpen);
    expect(g.stats()).toMatchObject({ opened: 2, outages: 3, rejected: 1 });
  });

  it("does not count errors that prove the database is up (constraint, arithmetic)", async () => {
    const g = guard({ failures: 2, halfOpenAfterMs: 60_000 });
    for (let i = 0; i < 5; i++) {
      const error = await g.run(() => up.db.execute(sql`select 1 / 0`)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(isDbOutage(error)).toBe(false);
    }
    const duplicate = () =>
      up.db.execute(
        sql`create temp table if not exists u (x int unique); insert into u values (1), (1)`,
      );
    for (let i = 0; i < 5; i++) await expect(g.run(duplicate)).rejects.toThrow();
    await expect(g.run(ok)).resolves.toBeDefined();
    expect(g.stats()).toEqual({ state: "closed", opened: 0, rejected: 0, outages: 0 });
  });

  it("sheds past the db budget without queueing and without tripping the breaker", async () => {
    const g = createDbGuard({ budget: bulkhead(`db-test-${++n}`, 2), failures: 1 });
    const slow = [
      g.run(() => up.db.execute(sql`select pg_sleep(0.2)`)),
      g.run(() => up.db.execute(sql`select pg_sleep(0.2)`)),
    ];
    const started = performance.now();
    const errors = await Promise.all(
      Array.from({ length: 20 }, () => g.run(ok).catch((e: unknown) => e)),
    );
    expect(performance.now() - started).toBeLessThan(50);
    expect(errors.every(isShed)).toBe(true);
    expect(g.state()).toBe("closed");
    await Promise.all(slow);
    await expect(g.run(ok)).resolves.toBeDefined();
    expect(g.stats()).toMatchObject({ state: "closed", outages: 0 });
  });

  it("counts a query past its deadline as an outage, and its slot stays taken until it really ends", async () => {
    const b = bulkhead(`db-test-${++n}`, 1);
    const g = createDbGuard({ budget: b, failures: 1, halfOpenAfterMs: 60_000, timeoutMs: 100 });
    const started = performance.now();
    const error = await g.run(() => up.db.execute(sql`select pg_sleep(0.4)`)).catch((e) => e);
    expect(error).toBeInstanceOf(Timeout);
    expect(performance.now() - started).toBeLessThan(250);
    expect(g.state()).toBe("open");
    expect(b.stats().active).toBe(1); // PostgreSQL is still running the query
    await sleep(400);
    expect(b.stats().active).toBe(0);
  });

  it("withDb runs through the process-wide db budget and breaker", async () => {
    await expect(withDb(ok)).resolves.toMatchObject({ rows: [{ one: 1 }] });
    expect(breakerState()).toBe("closed");
  });
});

describe("isDbOutage", () => {
  it("tells outages from query errors, through drizzle's cause chain", async () => {
    expect(isDbOutage(await outage().catch((e: unknown) => e))).toBe(true);
    const unique = await up.db
      .execute(sql`create temp table u (x int unique); insert into u values (1), (1)`)
      .catch((e: unknown) => e);
    expect((unique as Error & { cause?: { code?: string } }).cause?.code).toBe("23505");
    expect(isDbOutage(unique)).toBe(false);
    const ecode = (code: string) => Object.assign(new Error(code), { code });
    expect(isDbOutage(new Timeout(100))).toBe(true);
    expect(isDbOutage(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isDbOutage(new AggregateError([ecode("ECONNREFUSED")]))).toBe(true);
    expect(isDbOutage(ecode("57P01"))).toBe(true); // admin shutdown
    expect(isDbOutage(ecode("08006"))).toBe(true); // connection failure
    expect(isDbOutage(ecode("53300"))).toBe(true); // too many connections
    expect(isDbOutage(ecode("40001"))).toBe(false); // serialization failure: retry, not outage
    expect(isDbOutage(new Error("undefined is not a function"))).toBe(false);
    expect(isDbOutage(undefined)).toBe(false);
  });
});
