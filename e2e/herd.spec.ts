import { expect, test } from "@playwright/test";
import { checkInvariants } from "../bench/herd/invariants";
import { buildReport } from "../bench/herd/report";
import { CLOCK_SAMPLES, runHerd, type HerdPlan } from "../bench/herd/run-herd";
import { countersDelta, readShopCounters } from "../bench/herd/server-counters";
import { createShoppers, mintCookies } from "../bench/herd/setup";
import { baseURL, e2eSecrets } from "./support/env";
import { createSale, sql } from "./support/data";
import { sessionReads } from "./support/metrics";

/**
 * A small herd against the production build, through the herd's own library (bench/herd): the
 * Stampede side of the herd's correctness check (bench/herd.test.ts runs it against the naive
 * baseline). Correctness only: every shopper gets a true answer, no oversell, one order each.
 */

test.describe.configure({ timeout: 180_000 });

const SHOPPERS = 400;
const STOCK = 40;

test(`herd: ${SHOPPERS} shoppers, ${STOCK} units — every shopper answered, ${STOCK} orders, no oversell`, async () => {
  const shoppers = await createShoppers(sql(), SHOPPERS);
  const cookies = await mintCookies(shoppers, e2eSecrets.AUTH_SECRET);
  const { saleId, startsAt } = await createSale({
    startsInMs: 3_000,
    stock: STOCK,
    holdSeconds: 120,
  });
  const before = await readShopCounters(baseURL, e2eSecrets.METRICS_TOKEN);

  const plan: HerdPlan = {
    cookies,
    startsAt: startsAt.getTime(),
    spreadMs: 2_000,
    // Fewer in flight than the gate's budget, so no answer is a shed 503 on a busy CI machine.
    concurrency: 64,
    pollers: 40,
    pollIntervalMs: 1_000,
    requestTimeoutMs: 20_000,
    maxRunMs: 120_000,
    lineWatchMs: 10_000,
  };
  const target = { kind: "stampede" as const, baseUrl: baseURL, saleId };
  const run = await runHerd(target, plan);
  expect(run.aborted).toBe(false);

  const orders = (run.checkoutStatuses.confirmed ?? 0) + (run.checkoutStatuses.received ?? 0);
  const invariant = await checkInvariants({
    db: sql(),
    kind: "stampede",
    saleId,
    stock: STOCK,
    ordersSeenByHerd: orders,
    readSold: async () => {
      const res = await fetch(`${baseURL}/api/sales/${saleId}`);
      return ((await res.json()) as { sold: number }).sold;
    },
  });
  expect(invariant.problems).toEqual([]);
  expect(invariant.ordersInPg).toBe(STOCK);
  expect(orders).toBe(STOCK);

  const after = await readShopCounters(baseURL, e2eSecrets.METRICS_TOKEN);
  const report = buildReport({
    run,
    plan,
    stock: STOCK,
    startInMs: 3_000,
    holdSeconds: 120,
    invariant,
    server: countersDelta(before, after),
    pg: null,
    setupMs: { shoppers: 0, cookies: 0 },
    loadAvgBefore: [],
    commit: null,
    simulated: [],
  });
  const o = report.summary.outcomes;
  // Every shopper got a true answer (no give-ups, no errors): secured, in line or sold out — or
  // "not started", for a click that reached the gate a millisecond before the start.
  expect(report.summary.answered).toBe(SHOPPERS);
  expect(o.secured).toBe(STOCK);
  expect(o.secured + o.in_line + o.sold_out + o.not_started).toBe(SHOPPERS);
  // The server counted the same: one secured answer per unit.
  expect(report.summary.server?.buyNow.secured).toBe(STOCK);
});

test("herd --panel: every shopper's sale panel reads /me before the start; no session is decrypted twice", async ({
  request,
}) => {
  const n = 60;
  const shoppers = await createShoppers(sql(), n);
  const cookies = await mintCookies(shoppers, e2eSecrets.AUTH_SECRET);
  const { saleId, startsAt } = await createSale({ startsInMs: 4_000, stock: 6, holdSeconds: 120 });
  const before = await sessionReads(request);
  const run = await runHerd(
    { kind: "stampede", baseUrl: baseURL, saleId },
    {
      cookies,
      startsAt: startsAt.getTime(),
      spreadMs: 1_000,
      concurrency: 16,
      pollers: 0,
      pollIntervalMs: 1_000,
      requestTimeoutMs: 20_000,
      maxRunMs: 60_000,
      lineWatchMs: 0,
      panel: true,
    },
  );
  expect(run.aborted).toBe(false);
  expect(run.panel).toMatchObject({ requests: n, ok: n });
  expect(run.counts.panel.statuses).toEqual({ "200": n });
  expect(run.counts.buy.total).toBeGreaterThanOrEqual(n);
  // Every session read on the fast lane — the herd's clock samples (the first shopper's /me),
  // the panel, the presses, any /me and the checkouts — decrypted each shopper's session once
  // and found it kept every other time.
  const after = await sessionReads(request);
  const readsSent =
    CLOCK_SAMPLES +
    run.counts.panel.total +
    run.counts.buy.total +
    run.counts.me.total +
    run.counts.order.total;
  expect(after.decrypted - before.decrypted).toBe(n);
  // After the first, a read finds the session kept by its fast-lane process or, on another of the
  // instance's processes, vouched for by the lane ticket.
  expect(after.remembered - before.remembered + (after.ticketed - before.ticketed)).toBe(
    readsSent - n,
  );
});
