import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { env } from "@/lib/env";
import { createRedis, redis } from "@/lib/redis/client";
import { saleKeys } from "@/lib/redis/keys";
import { createLiveSale, sleep } from "@/test/support/fixtures";
import { armSale, withArming } from "./arm";
import { createGate, gate, type GrantReply } from "./gate";

async function counters(saleId: string) {
  const st = await gate.state(saleId);
  if (st.s !== "ok") throw new Error("not armed");
  return st;
}

function expectInvariant(st: { avail: number; held: number; sold: number; stock: number }) {
  expect(st.avail + st.held + st.sold).toBe(st.stock);
  expect(st.sold).toBeLessThanOrEqual(st.stock);
  expect(st.avail).toBeGreaterThanOrEqual(0);
}

describe("grant", () => {
  it("5,000 shoppers race for 100 units: exactly 100 secured, the invariant holds throughout", async () => {
    const { sale } = await createLiveSale({ stock: 100 });
    const shoppers = Array.from({ length: 5000 }, () => randomUUID());
    // Eight connections, as eight app instances would have; the sampler reads on its own.
    const handles = Array.from({ length: 8 }, () => createRedis(env()));
    const gates = handles.map((h) => createGate(() => h.redis));
    const sampling = createRedis(env());
    const sampleGate = createGate(() => sampling.redis);
    const samples: Awaited<ReturnType<typeof counters>>[] = [];
    let done = false;
    const sampler = (async () => {
      while (!done) {
        const st = await sampleGate.state(sale.id);
        if (st.s === "ok") samples.push(st);
      }
    })();
    const pending: Promise<GrantReply>[] = [];
    for (let i = 0; i < shoppers.length; i++) {
      pending.push(gates[i % gates.length]!.grant(sale.id, shoppers[i]!));
      if (i % 250 === 249) await sleep(1); // arrivals spread over a few milliseconds
    }
    const replies = await Promise.all(pending);
    done = true;
    await sampler;
    await Promise.all([...handles, sampling].map((h) => h.close()));

    const byStatus: Partial<Record<GrantReply["s"], GrantReply[]>> = {};
    for (const r of replies) (byStatus[r.s] ??= []).push(r);
    expect(byStatus.secured).toHaveLength(100);
    expect(replies.every((r) => ["secured", "in_line", "sold_out"].includes(r.s))).toBe(true);
    expect(
      new Set(byStatus.secured!.map((r) => (r as Extract<GrantReply, { s: "secured" }>).hold)).size,
    ).toBe(100);
    // Positions are a visible first-come order: 1..100 for the winners, 1..k for the line.
    const positions = byStatus
      .secured!.map((r) => (r as Extract<GrantReply, { s: "secured" }>).pos)
      .sort((a, b) => a - b);
    expect(positions).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    const line = (byStatus.in_line ?? [])
      .map((r) => (r as Extract<GrantReply, { s: "in_line" }>).pos)
      .sort((a, b) => a - b);
    expect(line).toEqual(Array.from({ length: line.length }, (_, i) => i + 1));

    expect(samples.length).toBeGreaterThan(3);
    for (const s of samples) expectInvariant(s);
    const end = await counters(sale.id);
    expectInvariant(end);
    expect(end).toMatchObject({ avail: 0, held: 100, sold: 0 });
  });

  it("one shopper calling 50 times concurrently gets one token, the same one", async () => {
    const { sale } = await createLiveSale({ stock: 5 });
    const user = randomUUID();
    const replies = await Promise.all(Array.from({ length: 50 }, () => gate.grant(sale.id, user)));
    expect(replies.every((r) => r.s === "secured")).toBe(true);
    expect(
      new Set(replies.map((r) => (r as Extract<GrantReply, { s: "secured" }>).hold)).size,
    ).toBe(1);
    expect((await counters(sale.id)).held).toBe(1);
  });

  it("answers not_started and ended from Redis's clock", async () => {
    const soon = await createLiveSale({
      startsAt: new Date(Date.now() + 60_000),
      endsAt: new Date(Date.now() + 120_000),
    });
    const r1 = await gate.grant(soon.sale.id, randomUUID());
    expect(r1).toMatchObject({ s: "not_started", startsAt: soon.sale.startsAt.getTime() });
    const past = await createLiveSale({
      startsAt: new Date(Date.now() - 120_000),
      endsAt: new Date(Date.now() - 60_000),
    });
    expect((await gate.grant(past.sale.id, randomUUID())).s).toBe("ended");
  });

  it("puts shoppers in line only while units can still come back, then sold_out", async () => {
    const { sale } = await createLiveSale({ stock: 2 });
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    expect((await gate.grant(sale.id, a)).s).toBe("secured");
    expect((await gate.grant(sale.id, b)).s).toBe("secured");
    expect(await gate.grant(sale.id, c)).toMatchObject({ s: "in_line", pos: 1 });
    expect(await gate.grant(sale.id, c)).toMatchObject({ s: "in_line", pos: 1 });
    for (const u of [a, b]) {
      const st = await gate.state(sale.id, u);
      if (st.s !== "ok" || !st.hold) throw new Error("no hold");
      expect((await gate.consume(sale.id, u, st.hold)).s).toBe("consumed");
    }
    // Everything sold: nothing can come back, so the line is told the truth.
    expect((await gate.grant(sale.id, c)).s).toBe("sold_out");
    expect((await gate.grant(sale.id, randomUUID())).s).toBe("sold_out");
    expect((await gate.grant(sale.id, a)).s).toBe("already_purchased");
  });

  it("hands an expired or released unit to the first shopper in line, in arrival order", async () => {
    const { sale } = await createLiveSale({ stock: 2, holdSeconds: 1 });
    const [h1, h2, w1, w2, w3] = [
      randomUUID(),
      randomUUID(),
      randomUUID(),
      randomUUID(),
      randomUUID(),
    ];
    await gate.grant(sale.id, h1);
    const g2 = await gate.grant(sale.id, h2);
    for (const w of [w1, w2, w3]) expect((await gate.grant(sale.id, w)).s).toBe("in_line");
    // h2 releases: w1 (first in line) gets the unit at once.
    if (g2.s !== "secured") throw new Error("expected a hold");
    expect((await gate.release(sale.id, h2, g2.hold)).s).toBe("released");
    const s1 = await gate.state(sale.id, w1);
    expect(s1).toMatchObject({ hold: expect.any(String) });
    expect(await gate.state(sale.id, w2)).toMatchObject({ linePos: 1 });
    // w1 buys before any hold runs out.
    if (s1.s !== "ok" || !s1.hold) throw new Error("expected a hold");
    expect((await gate.consume(sale.id, w1, s1.hold)).s).toBe("consumed");
    // h1's hold expires: w2 is next; w3 moves to the front.
    await sleep(1100);
    expect(await gate.state(sale.id, w2)).toMatchObject({ hold: expect.any(String) });
    expect(await gate.state(sale.id, w3)).toMatchObject({ linePos: 1 });
    expectInvariant(await counters(sale.id));
  });
});

describe("arming", () => {
  it("is idempotent and refuses a stock below units already committed", async () => {
    const { sale } = await createLiveSale({ stock: 3 });
    for (const u of [randomUUID(), randomUUID()]) await gate.grant(sale.id, u);
    expect(await armSale(sale.id)).toMatchObject({ s: "armed", created: false });
    expect(await counters(sale.id)).toMatchObject({ avail: 1, held: 2, stock: 3 });
    const lower = await gate.arm(sale.id, {
      stock: 1,
      startsAt: sale.startsAt,
      endsAt: sale.endsAt,
      holdSeconds: 120,
      perShopperLimit: 1,
      status: "scheduled",
      soldInDb: 0,
    });
    expect(lower).toEqual({ s: "invalid", reason: "stock_below_committed" });
    expect((await counters(sale.id)).stock).toBe(3);
  });

  it("after a flush mid-sale, re-arms from PostgreSQL and never exceeds stock", async () => {
    const { sale } = await createLiveSale({ stock: 10 });
    const first = await Promise.all(
      Array.from({ length: 6 }, () => randomUUID()).map(async (u) => ({
        u,
        r: await gate.grant(sale.id, u),
      })),
    );
    expect(first.filter((x) => x.r.s === "secured")).toHaveLength(6);
    // Redis loses the sale (flush or restart without persistence).
    const k = saleKeys(sale.id);
    await redis().del(...Object.values(k));
    const again = await Promise.all(
      Array.from({ length: 40 }, () => randomUUID()).map((u) =>
        withArming(sale.id, () => gate.grant(sale.id, u)),
      ),
    );
    expect(again.filter((r) => r.s === "secured")).toHaveLength(10);
    const st = await counters(sale.id);
    expectInvariant(st);
    expect(st.sold + st.held).toBeLessThanOrEqual(10);
  });
});

describe("the press limit inside grant", () => {
  it("counts presses per shopper in a sliding window, refuses past it without counting, and says how long to wait", async () => {
    const { sale } = await createLiveSale({ stock: 10 });
    const [a, b] = [randomUUID(), randomUUID()];
    const windowMs = 2_000;
    const limit = { presses: 3, windowMs };
    // Start just after a window boundary so the presses below share one window.
    await sleep(windowMs - (Date.now() % windowMs) + 20);
    const first = await gate.grant(sale.id, a, limit);
    expect(first.s).toBe("secured");
    expect((await gate.grant(sale.id, a, limit)).s).toBe("secured"); // the same hold, counted
    expect((await gate.grant(sale.id, a, limit)).s).toBe("secured");
    const refused = await gate.grant(sale.id, a, limit);
    expect(refused).toMatchObject({ s: "rate_limited" });
    const wait = (refused as Extract<GrantReply, { s: "rate_limited" }>).retryAfterMs;
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(windowMs);
    // Refused presses are not counted, and another shopper has a budget of their own.
    const field = await redis().hget<string>(saleKeys(sale.id).presses, a);
    expect(String(field).split(":").slice(1)).toEqual(["3", "0"]);
    expect((await gate.grant(sale.id, b, limit)).s).toBe("secured");
    // Early in the next window the previous window still weighs in (3 × ~0.9 → 2 counted)…
    await sleep(wait + 50);
    expect((await gate.grant(sale.id, a, limit)).s).toBe("secured");
    expect((await gate.grant(sale.id, a, limit)).s).toBe("rate_limited");
    // …and without a limit (the tests' and the ceiling benchmark's plain grant) nothing is counted.
    expect((await gate.grant(sale.id, a)).s).toBe("secured");
    expect(await redis().pttl(saleKeys(sale.id).presses)).toBeGreaterThan(windowMs);
  });

  it("a sale that is not armed answers not_armed before the press is counted", async () => {
    const saleId = randomUUID();
    const user = randomUUID();
    for (let i = 0; i < 5; i++)
      expect(await gate.grant(saleId, user, { presses: 1, windowMs: 10_000 })).toEqual({
        s: "not_armed",
      });
    expect(await redis().exists(saleKeys(saleId).presses)).toBe(0);
  });
});
