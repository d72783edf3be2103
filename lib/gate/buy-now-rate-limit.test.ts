import { afterAll, describe, expect, it } from "vitest";
import { metrics } from "@/lib/metrics/registry";
import { limiterStats } from "@/lib/ratelimit/limiter";
import { redisHandle } from "@/lib/redis/client";
import { createLiveSale, createUsers, sleep } from "@/test/support/fixtures";
import { buyNow, type BuyNowResult } from "./buy-now";

/**
 * Buy Now's per-shopper limit, through `buyNow()` — the function the server action, the JSON
 * route and the fast lane all call — on the real Redis. A short window (the RATE_LIMITS override
 * the e2e run uses too) keeps the test quick; env() is first read after this line.
 */
process.env.RATE_LIMITS = "buyNow=3/2s";
const WINDOW_MS = 2_000;

afterAll(async () => {
  delete process.env.RATE_LIMITS;
  await redisHandle().close();
});

/** The hold an answer carries (serverTime differs on every call). */
const hold = (r: BuyNowResult) => (r.status === "secured" ? r.token : r.status);
const rateLimitedCount = async () =>
  (await metrics().buyNow.get()).values.find((v) => v.labels.status === "rate_limited")?.value ?? 0;

describe("Buy Now rate limit", () => {
  it("answers rate_limited with the wait until the window resets, and a retry that honours it gets through", async () => {
    const { sale } = await createLiveSale({ stock: 10 });
    const [shopper, other] = await createUsers(2);
    // Start at the top of a window so the three allowed calls share it.
    await sleep(WINDOW_MS - (Date.now() % WINDOW_MS) + 10);

    const first = await buyNow(sale.id, shopper!);
    expect(first.status).toBe("secured");
    // Retries are free at the gate (the same token comes back) but still count against the limit.
    for (let i = 0; i < 2; i++) expect(hold(await buyNow(sale.id, shopper!))).toBe(hold(first));

    const countedBefore = await rateLimitedCount();
    const windowEnd = Math.ceil(Date.now() / WINDOW_MS) * WINDOW_MS;
    const limited = await buyNow(sale.id, shopper!);
    const now = Date.now();
    expect(limited.status).toBe("rate_limited");
    const { retryAfterMs } = limited as Extract<typeof limited, { status: "rate_limited" }>;
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(WINDOW_MS);
    expect(Math.abs(now + retryAfterMs - windowEnd)).toBeLessThan(50);
    expect(await rateLimitedCount()).toBe(countedBefore + 1);

    // Another shopper has a budget of their own.
    expect((await buyNow(sale.id, other!)).status).toBe("secured");

    // Too early is still refused, with the remaining wait…
    await sleep(Math.max(0, windowEnd - Date.now() - 300));
    const early = await buyNow(sale.id, shopper!);
    expect(early.status).toBe("rate_limited");
    expect((early as typeof limited & { retryAfterMs: number }).retryAfterMs).toBeLessThan(
      retryAfterMs,
    );
    // …and once the wait is over the same shopper gets the same hold back.
    await sleep(Math.max(0, windowEnd - Date.now() + 20));
    expect(hold(await buyNow(sale.id, shopper!))).toBe(hold(first));
  });

  it("a refused shopper's presses until the wait is over are answered without a Redis call", async () => {
    const { sale } = await createLiveSale({ stock: 10 });
    const [shopper] = await createUsers(1);
    await sleep(WINDOW_MS - (Date.now() % WINDOW_MS) + 10);
    for (let i = 0; i < 3; i++) await buyNow(sale.id, shopper!);
    const limitedBefore = limiterStats().buyNow?.limited ?? 0;
    expect((await buyNow(sale.id, shopper!)).status).toBe("rate_limited");
    const commands = redisHandle().commandCount();
    for (let i = 0; i < 20; i++)
      expect((await buyNow(sale.id, shopper!)).status).toBe("rate_limited");
    expect(redisHandle().commandCount()).toBe(commands);
    expect(limiterStats().buyNow?.limited).toBe(limitedBefore + 21);
  });

  it("a bad sale id is not_found before it costs the shopper any of their limit", async () => {
    const [shopper] = await createUsers(1);
    for (let i = 0; i < 10; i++)
      expect(await buyNow("not-a-sale", shopper!)).toEqual({ status: "not_found" });
    const { sale } = await createLiveSale();
    expect((await buyNow(sale.id, shopper!)).status).toBe("secured");
  });
});
