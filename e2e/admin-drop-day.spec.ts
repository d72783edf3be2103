import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { demoAccounts } from "@/db/catalog-data";
import { catalogFingerprint, signIn, sql } from "./admin/support";
import { e2e } from "./support/env";
import { shot } from "./support/screenshot";

/**
 * The merchant's side of drop day: one sale of a product at a time, forms that keep
 * what was chosen and say everything at once, the dashboard on a phone, and a monitor that
 * shows a whole finished drop — with its report — after a reload.
 */

test.use({ timezoneId: "UTC" });
const { merchant, shopper } = demoAccounts;
const stateFile = (role: string) =>
  path.join(tmpdir(), `stampede-drop-day-e2e-${e2e.port}-${role}.json`);
const MERCHANT = stateFile("merchant");
const SHOPPER = stateFile("shopper");

test.beforeAll(async ({ browser }) => {
  test.setTimeout(180_000); // two real sign-ins, on a loaded machine
  for (const [account, file, to] of [
    [merchant, MERCHANT, "/admin"],
    [shopper, SHOPPER, "/"],
  ] as const) {
    const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    await signIn(await context.newPage(), account.email, account.password, to);
    await context.storageState({ path: file });
    await context.close();
  }
});
test.use({ storageState: MERCHANT });

/** A product of this test alone (straight into PostgreSQL: the storefront has never cached it). */
async function freshProduct(label: string) {
  const slug = `e2e-${label}-${randomUUID().slice(0, 6)}`;
  const name = `Drop Day ${label} ${slug.slice(-6)}`;
  const [row] = await sql<{ id: string }>(
    `insert into products (slug, name, description, price_cents, image_url)
     values ($1, $2, 'A product made by the drop-day e2e test.', 2500, '/products/aurora-runner.svg')
     returning id`,
    [slug, name],
  );
  return { id: row!.id, slug, name };
}

// The form takes local time ("YYYY-MM-DDTHH:mm:ss"); the browser runs in UTC.
const local = (ms: number) => new Date(ms).toISOString().slice(0, 19);

async function scheduleSale(
  page: Page,
  productId: string,
  startsAt: number,
  endsAt: number,
  rules = { stock: "25", limit: "2", hold: "120" },
) {
  await page.goto(`/admin/sales/new?product=${productId}`);
  await page.getByLabel("Starts").fill(local(startsAt));
  await page.getByLabel("Ends").fill(local(endsAt));
  await page.getByLabel("Stock").fill(rules.stock);
  await page.getByLabel("Per-shopper limit").fill(rules.limit);
  await page.getByLabel("Hold time (seconds)").fill(rules.hold);
  await page.getByRole("button", { name: "Schedule sale" }).click();
}

async function cancelSale(page: Page, saleId: string) {
  await page.goto(`/admin/sales/${saleId}`);
  page.once("dialog", (d) => void d.accept());
  await page.getByRole("button", { name: "Cancel sale" }).click();
  await expect(page.locator("h1 .badge")).toHaveText("Cancelled");
}

const savedSaleId = async (page: Page) => {
  await page.waitForURL(/\/admin\/sales\/[0-9a-f-]{36}\?saved=1$/);
  return new URL(page.url()).pathname.split("/")[3]!;
};

test("finding 2: one sale of a product at a time; the storefront shows the live drop, once", async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  const product = await freshProduct("overlap");
  const HOUR = 3_600_000;
  const now = Date.now();
  await scheduleSale(page, product.id, now, now + HOUR);
  const live = await savedSaleId(page);

  // Overlapping the live drop: refused in the form, with the reason, and nothing written.
  const before = await catalogFingerprint();
  await scheduleSale(page, product.id, now + HOUR / 2, now + 2 * HOUR);
  await expect(page.locator("#startsAt-error")).toContainText(
    "This product already has a sale from",
  );
  await expect(page.locator("#startsAt-error")).toContainText("can't overlap");
  expect(await catalogFingerprint()).toEqual(before);

  // A later drop of the same product is fine; paused, it must not take the live one's place.
  await scheduleSale(page, product.id, now + 24 * HOUR, now + 25 * HOUR);
  const later = await savedSaleId(page);
  await page.getByRole("button", { name: "Pause" }).click();
  await expect(page.locator("h1 .badge")).toHaveText("Paused", { timeout: 15_000 });

  const store = await browser.newPage();
  const polled = store.waitForRequest((r) => /\/api\/sales\/[0-9a-f-]{36}$/.test(r.url()));
  await store.goto(`/products/${product.slug}`);
  expect(new URL((await polled).url()).pathname).toBe(`/api/sales/${live}`);
  await store.goto("/");
  await expect(
    store.locator("#sales").locator(`a[href="/products/${product.slug}"]`).first(),
  ).toBeVisible();
  const links = await store
    .locator("#sales")
    .locator(`a[href="/products/${product.slug}"]`)
    .evaluateAll((as) => new Set(as.map((a) => a.closest("li"))).size);
  expect(links, "the product's drops on the home page").toBe(1);
  await store.close();

  // Leave the storefront as other specs expect it.
  await cancelSale(page, later);
  await cancelSale(page, live);
});

test("finding 6: the sale form keeps the product and shows every error at once; the product form clears fixed errors", async ({
  page,
}) => {
  const product = await freshProduct("form");
  const before = await catalogFingerprint();
  await page.goto("/admin/sales/new");
  await expect(page.getByText(/Times are in your time zone \(/)).toBeVisible(); // hydrated
  await page.getByLabel("Product", { exact: true }).selectOption(product.id);
  const start = Date.now() + 3_600_000;
  await page.getByLabel("Starts").fill(local(start));
  await page.getByLabel("Ends").fill(local(start - 60_000));
  await page.getByLabel("Stock").fill("0");
  await page.getByLabel("Per-shopper limit").fill("2");
  await page.getByLabel("Hold time (seconds)").fill("120");
  await page.getByRole("button", { name: "Schedule sale" }).click();
  // One round: the shape error and the schedule error together.
  await expect(page.locator("#stock-error")).toHaveText("Stock must be between 1 and 1,000,000");
  await expect(page.locator("#endsAt-error")).toHaveText("The end must be after the start");
  await expect(page.getByLabel("Product", { exact: true })).toHaveValue(product.id);
  // A fixed field loses its error before the next save; a still-wrong one keeps it.
  await page.getByLabel("Stock").fill("25");
  await expect(page.locator("#stock-error")).toHaveCount(0);
  await expect(page.locator("#endsAt-error")).toBeVisible();
  expect(await catalogFingerprint()).toEqual(before);

  await page.goto("/admin/products/new");
  await page.getByLabel("Slug").fill("Not A Slug");
  await page.getByRole("button", { name: "Create product" }).click();
  await expect(page.locator("#name-error")).toHaveText("Enter a name");
  await expect(page.locator("#slug-error")).toBeVisible();
  await page.getByLabel("Name").fill("Lantern");
  await expect(page.locator("#name-error")).toHaveCount(0);
  await page.getByLabel("Slug").fill("still wrong");
  await expect(page.locator("#slug-error")).toHaveText(
    "Use lowercase letters, digits and hyphens only (a-z, 0-9, -)",
  );
  await page.getByLabel("Slug").fill("lantern");
  await expect(page.locator("#slug-error")).toHaveCount(0);
  await expect(page.locator("#description-error")).toHaveText("Enter a description");
  await expect(page.locator("[aria-invalid=true]")).toHaveCount(3); // description, price, image
  expect(await catalogFingerprint()).toEqual(before);
});

test("finding 8: the dashboard, products and sales pages fit a 390 px phone", async ({ page }) => {
  test.setTimeout(120_000);
  const [sale] = await sql<{ id: string }>(`select id from sales order by starts_at limit 1`);
  await page.setViewportSize({ width: 390, height: 844 });
  for (const url of ["/admin", "/admin/products", "/admin/sales", `/admin/sales/${sale!.id}`]) {
    await page.goto(url);
    await expect(page.locator("h1")).toBeVisible();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, `${url} is ${width} px wide`).toBeLessThanOrEqual(390);
  }
  await page.goto("/admin/sales");
  await expect(page.getByRole("link", { name: "Orders" }).first()).toBeInViewport();
  await shot(page, "admin-sales-phone");
});

test("finding 9: the monitor shows a whole finished drop after a reload, with its report and true badges", async ({
  page,
  browser,
}) => {
  test.setTimeout(300_000);
  const product = await freshProduct("monitor");
  // Long enough to buy out and look at the badge before the end on a loaded 2-core machine.
  const start = Date.now() + 6_000;
  const end = start + 120_000;
  await scheduleSale(page, product.id, start, end, { stock: "2", limit: "2", hold: "120" });
  const saleId = await savedSaleId(page);

  // The demo shopper buys both units through the Buy Now and checkout API.
  const ctx = await browser.newContext({ storageState: SHOPPER });
  const buy = async () => {
    for (let i = 0; i < 40; i++) {
      const res = await ctx.request.post(`/api/sales/${saleId}/token`);
      const body = (await res.json()) as { status: string; token?: string; retryAfterMs?: number };
      if (body.status === "secured") {
        const order = await ctx.request.post("/api/orders", { data: { token: body.token } });
        expect(order.status()).toBe(201);
        return;
      }
      expect(["not_started", "rate_limited"]).toContain(body.status);
      await new Promise((r) => setTimeout(r, Math.max(500, body.retryAfterMs ?? 0)));
    }
    throw new Error("never secured a unit");
  };
  await buy();
  await buy();
  // More presses: answered "already purchased" or "sold out", so the monitor has refusals too.
  await Promise.all(
    Array.from({ length: 6 }, () => ctx.request.post(`/api/sales/${saleId}/token`)),
  );
  await ctx.close();

  // Sold out inside its window: the badge says so, not "Live".
  await expect(page.getByTestId("monitor-sold").locator("dd")).toHaveText("2", { timeout: 30_000 });
  await expect(page.locator("h1 .badge")).toHaveText("Sold out", { timeout: 15_000 });
  await page.goto("/admin/sales");
  await expect(
    page.getByRole("row").filter({ hasText: product.name }).locator(".badge"),
  ).toHaveText("Sold out");

  // After the end, a reload: the whole drop and its report, from the server's series.
  await page.waitForTimeout(Math.max(0, end - Date.now() + 1_500));
  for (const [width, height] of [
    [1440, 900],
    [390, 844],
  ] as const) {
    await page.setViewportSize({ width, height });
    await page.goto(`/admin/sales/${saleId}`);
    await expect(page.getByRole("heading", { name: "Report" })).toBeVisible({ timeout: 20_000 });
    const report = page.getByTestId("sale-report");
    await expect(report).toContainText("$50.00");
    await expect(report).toContainText("100%");
    await expect(report).toContainText("2 orders of 2 holds");
    await expect(report.locator(".stat").filter({ hasText: "Time to sell out" })).toContainText(
      /\d+ s/,
    );
    await expect(page.locator("h1 .badge")).toHaveText("Ended");
    await expect(page.getByText("No grants yet")).toHaveCount(0);
    await expect(page.getByText("No stock recorded yet")).toHaveCount(0);
    await expect(page.locator(".recharts-area").first()).toBeVisible();
    await expect(page.getByText("Gate not armed")).toHaveCount(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      width,
    );
    await page.waitForTimeout(500); // the charts' first layout
    await shot(page, `admin-monitor-finished-${width}`);
  }

  // The edit page of a finished sale points only to what exists: its report.
  await page.goto(`/admin/sales/${saleId}/edit`);
  await expect(page.getByText(/has ended/)).toBeVisible();
  await expect(page.getByText(/pause or cancel/)).toHaveCount(0);
  await page.getByRole("link", { name: "See the report" }).click();
  await expect(page.getByRole("heading", { name: "Report" })).toBeVisible({ timeout: 20_000 });
});

test("finding 9: an ended sale that was never armed shows its record, not dashes", async ({
  page,
}) => {
  const [ended] = await sql<{ id: string }>(
    `select id from sales where ends_at < now() and status <> 'cancelled' order by ends_at limit 1`,
  );
  await page.goto(`/admin/sales/${ended!.id}`);
  await expect(page.getByRole("heading", { name: "Report" })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByText("Gate not armed")).toHaveCount(0);
  await expect(page.getByTestId("monitor-sold").locator("dd")).toHaveText(/^\d[\d,]*$/);
  await expect(page.getByTestId("sale-report")).toContainText("Revenue");
});
