import { expect, test } from "@playwright/test";
import { ProductPage, signInAs } from "./pages/shop";
import { createSale, createShoppers, redisClient } from "./support/data";

/**
 * The countdown runs on the shop's clock (Redis TIME, which the gate opens the sale by), not on
 * the browser's, and not on the time inside a cached or 304-revalidated sale state. The
 * browser's own clock is set 37 s fast; the page stays open for a minute on a sale whose state
 * does not change (so each poll is answered 304), and every step of the countdown, and Buy Now
 * turning on, must land within 250 ms of the moment it stands for.
 */

const SKEW_MS = 37_000;
const TOLERANCE_MS = 250;

test("the countdown keeps to the shop's clock for a minute of 304s, and Buy Now turns on at the start", async ({
  page,
  context,
}) => {
  test.setTimeout(150_000);
  // The shop's clock is this machine's: Redis TIME against ours, so page events can be timed on it.
  const redis = await redisClient();
  const before = Date.now();
  const [sec, usec] = await redis.sendCommand<[string, string]>(["TIME"]);
  const after = Date.now();
  await redis.quit();
  const redisNow = Number(sec) * 1000 + Number(usec) / 1000;
  expect(redisNow).toBeGreaterThanOrEqual(before - 20);
  expect(redisNow).toBeLessThanOrEqual(after + 20);

  const [shopper] = await createShoppers(1);
  const { saleId, product, startsAt } = await createSale({ startsInMs: 62_000 });
  const start = startsAt.getTime();
  await signInAs(context, shopper!);

  await page.addInitScript((skew) => {
    const real = Date.now.bind(Date);
    Date.now = () => real() + skew;
  }, SKEW_MS);
  // Polls of the sale state that the browser sent as a revalidation of its cached copy.
  let revalidated = 0;
  page.on("request", async (r) => {
    if (r.url().endsWith(`/api/sales/${saleId}`) && (await r.allHeaders())["if-none-match"])
      revalidated++;
  });

  const p = new ProductPage(page);
  await p.open(product.slug);
  await expect(page.getByTestId("countdown")).toHaveText(/^\d\d:\d\d$/);
  // Every change of the countdown and of the button, on the real clock (performance's, unskewed).
  await page.evaluate(() => {
    const w = window as unknown as { steps: { at: number; text: string; on: boolean }[] };
    const read = () => ({
      at: performance.timeOrigin + performance.now(),
      text: document.querySelector('[data-testid="countdown"]')?.textContent ?? "",
      on: !document.querySelector<HTMLButtonElement>('[data-testid="buy-now"]')?.disabled,
    });
    // The state as found: not a step, so its time says nothing.
    w.steps = [read()];
    const record = () => {
      const now = read();
      const last = w.steps.at(-1)!;
      if (last.text !== now.text || last.on !== now.on) w.steps.push(now);
    };
    new MutationObserver(record).observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
    });
  });

  await expect(p.buyNow()).toBeEnabled({ timeout: start - Date.now() + 5_000 });
  const steps = await page.evaluate(
    () => (window as unknown as { steps: { at: number; text: string; on: boolean }[] }).steps,
  );

  // A countdown showing "mm:ss" = N seconds must appear when N seconds are left (it rounds up).
  const errors: number[] = [];
  for (const step of steps.slice(1)) {
    const m = /^(\d\d):(\d\d)$/.exec(step.text);
    if (!m) continue;
    const seconds = Number(m[1]) * 60 + Number(m[2]);
    errors.push(step.at - (start - seconds * 1000));
  }
  const turnedOn = steps.slice(1).find((s) => s.on);
  console.log(
    `countdown steps: ${errors.length}, off by ${Math.round(Math.min(...errors))}…${Math.round(Math.max(...errors))} ms; Buy Now on at start ${turnedOn ? `+${Math.round(turnedOn.at - start)}` : "never"} ms; ${revalidated} revalidations answered 304`,
  );
  expect(
    revalidated,
    "the sale state was revalidated with 304 while the page waited",
  ).toBeGreaterThan(5);
  expect(errors.length).toBeGreaterThan(50);
  for (const e of errors) expect(Math.abs(e)).toBeLessThanOrEqual(TOLERANCE_MS);
  expect(turnedOn).toBeDefined();
  expect(Math.abs(turnedOn!.at - start)).toBeLessThanOrEqual(TOLERANCE_MS);
});
