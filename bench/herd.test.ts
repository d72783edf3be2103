import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createNaiveSale,
  createNaiveSchema,
  startNaiveServer,
  type NaiveServer,
} from "./baselines/naive-server";
import { renderHtml } from "./herd/html-report";
import { laneTicket } from "./herd/http-client";
import { checkInvariants } from "./herd/invariants";
import { buildReport } from "./herd/report";
import { runHerd } from "./herd/run-herd";
import { parseMetrics } from "./herd/server-counters";
import { createShoppers, mintCookies } from "./herd/setup";
import { histogram, logEdges, spread } from "./herd/stats";

/**
 * The herd's core against the naive baseline, started here (vitest has no running shop; the
 * Stampede small-herd check is the Playwright spec e2e/herd.spec.ts). Correctness only: every
 * shopper gets an answer, no unit is sold twice, no shopper has two orders. Not speed.
 */

let db: pg.Pool;
let server: NaiveServer;
const authSecret = randomBytes(32).toString("base64url");

beforeAll(async () => {
  db = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
  await createNaiveSchema(db);
  server = await startNaiveServer({ databaseUrl: process.env.DATABASE_URL!, authSecret });
});

afterAll(async () => {
  await server?.close();
  await db?.end();
});

describe("the herd against the naive baseline", () => {
  it("500 shoppers, 50 units: every shopper answered, zero oversell, one order each", async () => {
    const shoppers = await createShoppers(db, 500, { table: "naive.users" });
    const cookies = await mintCookies(shoppers, authSecret);
    const startsAt = new Date(Date.now() + 1_500);
    const saleId = await createNaiveSale(db, {
      stock: 50,
      startsAt,
      endsAt: new Date(startsAt.getTime() + 600_000),
    });
    const target = { kind: "baseline" as const, baseUrl: server.url, saleId };
    const plan = {
      cookies,
      startsAt: startsAt.getTime(),
      spreadMs: 1_000,
      concurrency: 64,
      pollers: 20,
      pollIntervalMs: 1_000,
      requestTimeoutMs: 10_000,
      maxRunMs: 50_000,
      lineWatchMs: 5_000,
    };
    const run = await runHerd(target, plan);
    expect(run.aborted).toBe(false);

    const invariant = await checkInvariants({
      db,
      kind: "baseline",
      saleId,
      stock: 50,
      ordersSeenByHerd: run.outcome.filter((o) => o === 0).length,
      readSold: async () => {
        const res = await fetch(`${server.url}/state?sale=${saleId}`);
        return ((await res.json()) as { sold: number }).sold;
      },
    });
    expect(invariant.problems).toEqual([]);
    expect(invariant.ordersInPg).toBe(50);

    const report = buildReport({
      run,
      plan,
      stock: 50,
      startInMs: 1_500,
      holdSeconds: 0,
      invariant,
      server: null,
      pg: null,
      setupMs: { shoppers: 0, cookies: 0 },
      loadAvgBefore: [0, 0, 0],
      commit: null,
      simulated: [],
    });
    const o = report.summary.outcomes;
    expect(o.secured).toBe(50);
    expect(o.sold_out).toBe(450);
    expect(o.unanswered + o.error + o.gave_up_busy + o.gave_up_rate_limited).toBe(0);
    expect(report.summary.answered).toBe(500);
    expect(report.summary.requests.byEndpoint.buy.total).toBeGreaterThanOrEqual(500);

    const html = renderHtml(report, "test.json");
    expect(html).toContain("<svg");
    expect(html).not.toMatch(/<script|https?:\/\/(?!127\.0\.0\.1|www\.w3\.org)/);
  });
});

describe("herd helpers", () => {
  it("percentiles skip NaN and use nearest rank", () => {
    const s = spread(Float64Array.from([Number.NaN, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    expect(s).toMatchObject({ n: 10, p50: 5, p95: 10, max: 10, mean: 5.5 });
  });

  it("histogram buckets are [lo, hi) with an open last bucket", () => {
    const edges = logEdges(1, 1000, 1);
    expect(edges).toEqual([0, 1, 10, 100, 1000]);
    expect(histogram([0.5, 1, 9.9, 10, 5000, Number.NaN], edges)).toEqual([1, 2, 1, 0, 1]);
  });

  it("reads the shop's counters from Prometheus text", () => {
    const c = parseMetrics(
      [
        "# HELP stampede_db_queries_total SQL statements",
        "stampede_db_queries_total 42",
        "stampede_redis_commands_total 1e3",
        'stampede_buy_now_total{status="secured"} 7',
        'stampede_checkout_total{status="confirmed"} 5',
        'stampede_session_reads_total{how="decrypted"} 3',
        'stampede_session_reads_total{how="remembered"} 9',
        'stampede_press_work{kind="sold_out",field="answers"} 4',
      ].join("\n"),
    );
    expect(c).toEqual({
      dbQueries: 42,
      redisCommands: 1000,
      buyNow: { secured: 7 },
      checkout: { confirmed: 5 },
      sessionReads: { decrypted: 3, remembered: 9 },
      pressWork: { "sold_out:answers": 4 },
    });
  });

  it("keeps the lane ticket from Set-Cookie, as a browser does, and nothing else", () => {
    expect(laneTicket("stampede.lane=abc.s.1.xyz; Path=/api/; Max-Age=60; HttpOnly")).toBe(
      "stampede.lane=abc.s.1.xyz",
    );
    expect(laneTicket(["other=1; Path=/", "__Secure-stampede.lane=v; Secure"])).toBe(
      "__Secure-stampede.lane=v",
    );
    expect(laneTicket(["other=1", "xstampede.lane=v"])).toBeUndefined();
  });
});
