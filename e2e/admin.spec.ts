import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { demoAccounts } from "@/db/catalog-data";
import {
  adminActionsInBuild,
  adminActionsInSource,
  adminPages,
  adminRoutes,
  catalogFingerprint,
  gradientPng,
  signIn,
  signUp,
  sql,
  urlFor,
} from "./admin/support";
import { baseURL, e2e } from "./support/env";
import { shot } from "./support/screenshot";

/**
 * The merchant dashboard: who may use it (every page, action and route, enumerated), and a
 * merchant's day — a product with an uploaded image, a sale that starts in seconds, the
 * storefront showing both at once, a shopper buying, the order in the monitor and the CSV.
 */

test.use({ timezoneId: "UTC" });
const adminShot = (page: Page, name: string) => shot(page, `admin-${name}`);
const { merchant, shopper } = demoAccounts;

// Sign in once per role (through the real form) and reuse the session: sign-in is rate-limited
// per IP, and every request of an e2e run comes from the same address.
const stateFile = (role: string) =>
  path.join(tmpdir(), `stampede-admin-e2e-${e2e.port}-${role}.json`);
const MERCHANT = stateFile("merchant");
const SHOPPER = stateFile("shopper");

test.beforeAll(async ({ browser }) => {
  for (const [account, file, to] of [
    [merchant, MERCHANT, "/admin"],
    [shopper, SHOPPER, "/"],
  ] as const) {
    const context = await browser.newContext();
    await signIn(await context.newPage(), account.email, account.password, to);
    await context.storageState({ path: file });
    await context.close();
  }
});

async function seededIds() {
  const [p] = await sql<{ id: string }>(`select id from products where slug = 'aurora-runner'`);
  const [s] = await sql<{ id: string }>(`select id from sales order by starts_at limit 1`);
  return { product: p!.id, sale: s!.id };
}

test.describe("only merchants get the dashboard", () => {
  test("a signed-out visitor is sent to sign in, and a shopper gets 403, on every admin page", async ({
    browser,
    request,
  }) => {
    const ids = await seededIds();
    const pages = adminPages().map((f) => urlFor(f, ids));
    expect(pages).toEqual(expect.arrayContaining(["/admin", "/admin/products", "/admin/sales"]));

    for (const url of pages) {
      const res = await request.get(url, { maxRedirects: 0 });
      expect(res.status(), `${url} signed out`).toBeGreaterThanOrEqual(300);
      expect(res.status(), `${url} signed out`).toBeLessThan(400);
      const location = new URL(res.headers()["location"] ?? "", baseURL);
      expect(location.pathname, url).toBe("/sign-in");
      expect(location.searchParams.get("callbackUrl"), url).toMatch(/^\/admin/);
    }

    const context = await browser.newContext({ storageState: SHOPPER });
    const page = await context.newPage();
    for (const url of pages) {
      const res = await page.goto(url);
      expect(res?.status(), `${url} as a shopper`).toBe(403);
      await expect(page.getByRole("heading", { name: "Merchants only" }), url).toBeVisible();
      const html = await page.content();
      expect(html, url).not.toContain("Merchant dashboard");
      expect(html, url).not.toContain(merchant.email);
    }
    await adminShot(page, "403");
    await context.close();
  });

  test("every admin route handler and server action refuses shoppers and visitors, and changes nothing", async ({
    browser,
    playwright,
  }) => {
    const ids = await seededIds();
    const before = await catalogFingerprint();

    const context = await browser.newContext({ storageState: SHOPPER });
    const callers: [string, APIRequestContext, 401 | 403][] = [
      ["signed out", await playwright.request.newContext({ baseURL }), 401],
      ["shopper", context.request, 403],
    ];

    // Route handlers: every file under app/api/admin, every method it exports.
    const routes = adminRoutes();
    expect(routes.length).toBeGreaterThan(0);
    const png = gradientPng(8);
    for (const { file, methods } of routes) {
      expect(methods.length, `${file} exports a method`).toBeGreaterThan(0);
      const url = urlFor(file, ids);
      for (const method of methods)
        for (const [who, req, code] of callers) {
          const res = await req.fetch(url, {
            method,
            headers: { "content-type": "image/png", origin: baseURL },
            data: method === "GET" || method === "HEAD" ? undefined : png,
            maxRedirects: 0,
          });
          expect(res.status(), `${method} ${url} as ${who}`).toBe(code);
          if (method !== "HEAD")
            expect(await res.json(), `${method} ${url} as ${who}`).toMatchObject({
              status: code === 401 ? "unauthenticated" : "forbidden",
            });
        }
    }

    // Server actions: every action under app/admin in the build's server reference manifest.
    const actions = adminActionsInBuild();
    expect(actions.length, "admin server actions in the build").toBeGreaterThan(0);
    const built = new Set(actions.map((a) => `${a.file}#${a.name}`));
    for (const a of adminActionsInSource())
      expect(built.has(`${a.file}#${a.name}`), `${a.file}#${a.name} is in the build`).toBe(true);

    for (const a of actions) {
      const url = urlFor(a.page, ids);
      for (const [who, req, code] of callers) {
        // React's encoding of (prevState, formData): the root args, then the form's fields.
        const res = await req.post(url, {
          headers: { "next-action": a.id, origin: baseURL, accept: "text/x-component" },
          multipart: {
            "0": JSON.stringify([{ status: "idle" }, "$K1"]),
            "1_id": a.name.toLowerCase().includes("sale") ? ids.sale : ids.product,
            "1_name": "Hijacked",
            "1_slug": "hijacked",
            "1_description": "Should never be written",
            "1_price": "1.00",
            "1_productId": ids.product,
            "1_startsAt": new Date(Date.now() + 60_000).toISOString(),
            "1_endsAt": new Date(Date.now() + 3_600_000).toISOString(),
            "1_stock": "1",
            "1_perShopperLimit": "1",
            "1_holdSeconds": "60",
          },
          maxRedirects: 0,
        });
        const body = await res.text();
        const label = `${a.file}#${a.name} via ${url} as ${who}`;
        expect(res.status(), label).toBe(200);
        expect(body, label).toContain(`"status":"refused"`);
        expect(body, label).toContain(`"code":${code}`);
      }
    }

    expect(await catalogFingerprint()).toEqual(before);
    await context.close();
  });
});

/** Starts in an hour, ends a minute earlier: dates the sale form must refuse for their order. */
async function fillEndBeforeStart(page: Page) {
  const start = new Date(Date.now() + 3_600_000);
  await page.getByLabel("Starts").fill(start.toISOString().slice(0, 19));
  await page.getByLabel("Ends").fill(new Date(start.getTime() - 60_000).toISOString().slice(0, 19));
}

test.describe.serial("a merchant's day", () => {
  const slug = `e2e-lantern-${randomUUID().slice(0, 6)}`;
  const name = `Ember Trail Lantern ${slug.slice(-6)}`;
  let productId = "";
  let saleId = "";
  let orderId = "";
  const shopperEmail = `buyer-${randomUUID().slice(0, 8)}@example.com`;

  test.use({ storageState: MERCHANT });

  test("the dashboard home lists sales with badges and quick links", async ({ page }) => {
    await page.goto("/admin");
    await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Coming up" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Ended" })).toBeVisible();
    await expect(page.locator(".admin-table .badge").first()).toBeVisible();
    await expect(page.getByRole("link", { name: /New product/ }).first()).toBeVisible();
    await adminShot(page, "dashboard");
  });

  test("invalid product input shows field errors and writes nothing", async ({ page }) => {
    const before = await catalogFingerprint();
    await page.goto("/admin/products/new");
    await page.getByLabel("Name").fill("   ");
    await page.getByLabel("Slug").fill("Not A Slug");
    await page.getByLabel("Price (USD)").fill("0");
    await page.getByRole("button", { name: "Create product" }).click();
    await expect(page.locator("#name-error")).toHaveText("Enter a name");
    await expect(page.locator("#slug-error")).toHaveText(
      "Use lowercase letters, digits and hyphens only (a-z, 0-9, -)",
    );
    await expect(page.locator("#description-error")).toHaveText("Enter a description");
    await expect(page.locator("#price-error")).toHaveText("The price must be more than 0");
    await expect(page.locator("#imageId-error")).toHaveText("Add a product image");
    // The typed values survive the refusal.
    await expect(page.getByLabel("Slug")).toHaveValue("Not A Slug");

    // A file that claims to be a PNG but is not one is refused by its bytes.
    await page.getByLabel("Image").setInputFiles({
      name: "evil.png",
      mimeType: "image/png",
      buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    });
    await expect(page.locator("#imageId-error")).toHaveText(
      "That file is not a PNG, JPEG, WebP or GIF image",
    );
    // A taken slug.
    await page.getByLabel("Name").fill("Copy cat");
    await page.getByLabel("Slug").fill("aurora-runner");
    await page.getByLabel("Description").fill("Same slug as the seeded runner.");
    await page.getByLabel("Price (USD)").fill("10");
    await page.getByLabel("Image").setInputFiles({
      name: "ok.png",
      mimeType: "image/png",
      buffer: gradientPng(16),
    });
    await expect(page.getByText("Uploaded.")).toBeVisible();
    await page.getByRole("button", { name: "Create product" }).click();
    await expect(page.locator("#slug-error")).toHaveText(
      "That slug is already used by another product",
    );
    const after = await catalogFingerprint();
    expect({ ...after, images: "" }).toEqual({ ...before, images: "" }); // the upload is the only write
  });

  test("creates a product with an uploaded image; the storefront shows it at once", async ({
    page,
  }) => {
    await page.goto("/admin/products/new");
    await page.getByLabel("Name").fill(name);
    await expect(page.getByLabel("Slug")).toHaveValue(/^ember-trail-lantern/);
    await page.getByLabel("Slug").fill(slug);
    await page
      .getByLabel("Description")
      .fill("A rechargeable trail lantern with a warm glow, three brightness steps and a hook.");
    await page.getByLabel("Price (USD)").fill("39.50");
    await page.getByLabel("Image").setInputFiles({
      name: "lantern.png",
      mimeType: "image/png",
      buffer: gradientPng(),
    });
    await expect(page.getByText("Uploaded.")).toBeVisible();
    await adminShot(page, "product-form");
    await page.getByRole("button", { name: "Create product" }).click();
    await page.waitForURL(/\/admin\/products\?saved=/);
    await expect(page.getByRole("cell", { name })).toBeVisible();
    await adminShot(page, "products");

    const [row] = await sql<{ id: string; image_url: string; price_cents: number }>(
      `select id, image_url, price_cents from products where slug = $1`,
      [slug],
    );
    expect(row!.price_cents).toBe(3950);
    expect(row!.image_url).toMatch(/^\/api\/images\/[0-9a-f-]{36}$/);
    productId = row!.id;

    const image = await page.request.get(row!.image_url);
    expect(image.status()).toBe(200);
    expect(image.headers()["content-type"]).toBe("image/png");
    expect(image.headers()["x-content-type-options"]).toBe("nosniff");
    expect(image.headers()["cache-control"]).toContain("immutable");
    expect(Buffer.compare(await image.body(), gradientPng())).toBe(0);

    // No restart, no waiting for the ISR timer.
    await page.goto("/");
    await expect(page.getByRole("link", { name: new RegExp(name) }).first()).toBeVisible();
    await page.goto(`/products/${slug}`);
    await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
    await expect(page.getByText("$39.50").first()).toBeVisible();
    await expect(page.locator(`img[src="${row!.image_url}"]`)).toBeVisible();
  });

  test("invalid sale input shows field errors and writes nothing", async ({ page }) => {
    const before = await catalogFingerprint();
    await page.goto(`/admin/sales/new?product=${productId}`);
    await fillEndBeforeStart(page);
    await page.getByLabel("Stock").fill("0");
    await page.getByLabel("Per-shopper limit").fill("11");
    await page.getByLabel("Hold time (seconds)").fill("1");
    await page.getByRole("button", { name: "Schedule sale" }).click();
    await expect(page.locator("#stock-error")).toHaveText("Stock must be between 1 and 1,000,000");
    await expect(page.locator("#perShopperLimit-error")).toHaveText(
      "The per-shopper limit must be between 1 and 10",
    );
    await expect(page.locator("#holdSeconds-error")).toHaveText(
      "The hold time must be between 2 and 900 seconds",
    );
    await page.getByLabel("Stock").fill("25");
    await page.getByLabel("Per-shopper limit").fill("2");
    await page.getByLabel("Hold time (seconds)").fill("120");
    await page.getByRole("button", { name: "Schedule sale" }).click();
    await expect(page.locator("#endsAt-error")).toHaveText("The end must be after the start");
    await expect(page.getByLabel("Stock")).toHaveValue("25");
    await adminShot(page, "sale-form-errors");
    expect(await catalogFingerprint()).toEqual(before);
  });

  test("dates typed before the sale form hydrates are the dates it sends", async ({ page }) => {
    const before = await catalogFingerprint();
    // Hold the page's scripts until both dates are typed, as on a slow phone.
    let release = () => {};
    const held = new Promise<void>((ok) => (release = ok));
    await page.route("**/_next/static/chunks/**", async (route) => {
      await held;
      await route.continue();
    });
    // Deferred scripts hold DOMContentLoaded back too: go on as soon as the form is on screen.
    await page.goto(`/admin/sales/new?product=${productId}`, { waitUntil: "commit" });
    await fillEndBeforeStart(page);
    await page.getByLabel("Stock").fill("25");
    release();
    // Hydrated: the time-zone hint is filled in after mount.
    await expect(page.getByText(/Times are in your time zone \(/)).toBeVisible();
    await page.getByRole("button", { name: "Schedule sale" }).click();
    // Both dates arrived: the refusal is about their order, not a missing start.
    await expect(page.locator("#endsAt-error")).toHaveText("The end must be after the start");
    await expect(page.locator("#startsAt-error")).toHaveCount(0);
    expect(await catalogFingerprint()).toEqual(before);
  });

  test("schedules a sale starting in 5 seconds; the storefront shows it; a shopper buys; the order reaches the monitor and the CSV", async ({
    page,
    browser,
  }) => {
    test.setTimeout(120_000);
    await page.goto(`/admin/sales/new?product=${productId}`);
    await expect(page.getByLabel("Product", { exact: true })).toHaveValue(productId);
    const start = new Date(Date.now() + 5_000);
    await page.getByLabel("Starts").fill(start.toISOString().slice(0, 19));
    await page
      .getByLabel("Ends")
      .fill(new Date(start.getTime() + 15 * 60_000).toISOString().slice(0, 19));
    await page.getByLabel("Stock").fill("25");
    await page.getByLabel("Per-shopper limit").fill("2");
    await page.getByLabel("Hold time (seconds)").fill("120");
    await page.getByRole("button", { name: "Schedule sale" }).click();
    await page.waitForURL(/\/admin\/sales\/[0-9a-f-]{36}\?saved=1$/);
    saleId = new URL(page.url()).pathname.split("/")[3]!;
    const [sale] = await sql<{ stock: number; per_shopper_limit: number; hold_seconds: number }>(
      `select stock, per_shopper_limit, hold_seconds from sales where id = $1`,
      [saleId],
    );
    expect(sale).toEqual({ stock: 25, per_shopper_limit: 2, hold_seconds: 120 });

    // The storefront shows the drop straight away: home (the drops strip) and the product page.
    const store = await browser.newPage();
    await store.goto("/");
    await expect(
      store.locator("#sales").getByRole("link", { name: new RegExp(name) }),
    ).toBeVisible();
    await store.goto(`/products/${slug}`);
    await expect(
      store.getByRole("heading", {
        level: 2,
        name: /Limited drop|Drop starts in|Live now|Sold out|ended/,
      }),
    ).toBeVisible();
    await store.close();

    // A fresh shopper buys through the HTTP API (the Buy Now contract) with their session.
    const ctx = await browser.newContext();
    const sp = await ctx.newPage();
    await signUp(sp, "Ada Buyer", shopperEmail, "ada-buys-lanterns");
    let token: {
      status: string;
      token?: string;
      expiresAt?: string | number;
      position?: number;
      retryAfterMs?: number;
    } = { status: "" };
    for (let i = 0; i < 30; i++) {
      const res = await sp.request.post(`/api/sales/${saleId}/token`);
      token = await res.json();
      if (token.status !== "not_started" && token.status !== "rate_limited") {
        expect(res.status()).toBe(200);
        break;
      }
      await sp.waitForTimeout(Math.max(1_000, token.retryAfterMs ?? 0));
    }
    expect(token).toMatchObject({ status: "secured", token: expect.any(String) });
    expect(token.expiresAt).toBeTruthy();
    expect(token.position).toBeGreaterThanOrEqual(1);
    const order = await sp.request.post("/api/orders", { data: { token: token.token } });
    expect(order.status()).toBe(201);
    const placed = (await order.json()) as { orderId: string; status: string };
    expect(placed.orderId).toMatch(/^[0-9a-f-]{36}$/);
    orderId = placed.orderId;
    // Some more presses (already bought, or rate limited) so the monitor has traffic to chart.
    await Promise.all(
      Array.from({ length: 30 }, () => sp.request.post(`/api/sales/${saleId}/token`)),
    );
    await ctx.close();

    // The monitor (open since the save): numbers and charts, updating by themselves.
    await expect(page).toHaveURL(new RegExp(`/admin/sales/${saleId}`));
    await expect(page.getByTestId("monitor-orders").locator("dd")).toHaveText("1", {
      timeout: 15_000,
    });
    await expect(page.getByTestId("monitor-sold").locator("dd")).toHaveText("1");
    // The extra presses may hold the shopper's second unit (limit 2): the gate's books still balance.
    const n = async (id: string) =>
      Number(await page.getByTestId(`monitor-${id}`).locator("dd").textContent());
    expect((await n("remaining")) + (await n("held")) + (await n("sold"))).toBe(25);
    await expect(page.getByText("No grants yet")).toHaveCount(0, {
      timeout: 10_000,
    });
    await expect(page.locator(".recharts-area").first()).toBeVisible();
    await expect(page.getByText("No stock recorded yet")).toHaveCount(0);
    await adminShot(page, "monitor");

    // Orders: the table, search by email and by order id, and the CSV export.
    await page.goto(`/admin/sales/${saleId}/orders`);
    await expect(page.getByRole("cell", { name: orderId })).toBeVisible();
    const box = page.getByRole("searchbox", { name: "Search by email or order id" });
    await box.fill(shopperEmail.slice(0, 12));
    await box.press("Enter");
    await expect(page).toHaveURL(/\?q=/);
    await expect(page.getByRole("cell", { name: orderId })).toBeVisible();
    await adminShot(page, "orders");
    await box.fill(orderId.slice(0, 8));
    await box.press("Enter");
    await expect(page.getByRole("cell", { name: orderId })).toBeVisible();
    await box.fill("nobody@nowhere.example");
    await box.press("Enter");
    await expect(page.getByText("No orders match that search.")).toBeVisible();

    const csv = await page.request.get(`/api/admin/sales/${saleId}/orders.csv`);
    expect(csv.status()).toBe(200);
    expect(csv.headers()["content-type"]).toContain("text/csv");
    expect(csv.headers()["content-disposition"]).toContain("attachment");
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines[0]).toBe("order_id,created_at,email,name,quantity,price,status");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(orderId);
    expect(lines[1]).toContain(shopperEmail);
    expect(lines[1]).toContain(",1,39.50,confirmed");
  });

  test("edits a product and an upcoming sale; the storefront follows at once", async ({ page }) => {
    await page.goto(`/admin/products/${productId}`);
    await expect(page.getByLabel("Price (USD)")).toHaveValue("39.50");
    await page.getByLabel("Price (USD)").fill("42.00");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.waitForURL(/\/admin\/products\?saved=/);
    await page.goto(`/products/${slug}`);
    await expect(page.getByText("$42.00").first()).toBeVisible();

    const [upcoming] = await sql<{ id: string; stock: number; starts_at: Date }>(
      `select s.id, s.stock, s.starts_at from sales s join products p on p.id = s.product_id
       where p.slug = 'tidal-watch' and s.starts_at > now()`,
    );
    await page.goto(`/admin/sales/${upcoming!.id}/edit`);
    // The saved schedule is shown in the merchant's time zone and sent back unchanged. (The
    // browser reads a datetime-local value without its seconds when they are zero: the seeded
    // start has the seconds of the moment the seed ran, which failed one CI run in sixty.)
    await expect(page.getByLabel("Starts")).toHaveValue(
      upcoming!.starts_at.toISOString().slice(0, 19).replace(/:00$/, ""),
    );
    await page.getByLabel("Stock").fill(String(upcoming!.stock + 5));
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.waitForURL(new RegExp(`/admin/sales/${upcoming!.id}\\?saved=1$`));
    const [after] = await sql<{ stock: number; starts_at: Date }>(
      `select stock, starts_at from sales where id = $1`,
      [upcoming!.id],
    );
    expect(after).toEqual({ stock: upcoming!.stock + 5, starts_at: upcoming!.starts_at });
    await expect(page.getByText(`stock ${upcoming!.stock + 5}`)).toBeVisible(); // the gate, re-armed
  });

  test("a started sale can no longer be edited, but can be paused, resumed and cancelled", async ({
    page,
  }) => {
    await page.goto(`/admin/sales/${saleId}/edit`);
    await expect(page.getByText(/This sale has started/)).toBeVisible();
    await page.goto(`/admin/sales/${saleId}`);
    await page.getByRole("button", { name: "Pause" }).click();
    await expect(page.locator("h1 .badge")).toHaveText("Paused");
    expect((await sql(`select status from sales where id = $1`, [saleId]))[0]).toEqual({
      status: "paused",
    });
    await page.getByRole("button", { name: "Resume" }).click();
    await expect(page.locator("h1 .badge")).toHaveText("Live");
    // A product with a running sale cannot be archived.
    await page.goto("/admin/products");
    const row = page.getByRole("row").filter({ hasText: name });
    await row.getByRole("button", { name: "Archive" }).click();
    await expect(row.getByRole("alert")).toContainText("Cancel it first");

    await page.goto("/admin/sales");
    await adminShot(page, "sales");
    await page.goto(`/admin/sales/${saleId}`);
    page.once("dialog", (d) => void d.accept());
    await page.getByRole("button", { name: "Cancel sale" }).click();
    await expect(page.locator("h1 .badge")).toHaveText("Cancelled");
  });

  test("archiving hides a product from the storefront; restoring brings it back", async ({
    page,
  }) => {
    const target = "Grove Ceramic Planter";
    await page.goto("/admin/products");
    const row = page.getByRole("row").filter({ hasText: target });
    // A retry finds the product as the failed attempt left it (archived): restore it first, so
    // the retry checks the whole round trip again instead of failing on a missing button.
    const restore = row.getByRole("button", { name: "Restore" });
    if (await restore.isVisible()) {
      await restore.click();
      await expect(row.getByText("Active", { exact: true })).toBeVisible();
    }
    await row.getByRole("button", { name: "Archive" }).click();
    await expect(row.getByText("Archived", { exact: true })).toBeVisible();
    expect((await page.request.get("/products/grove-planter")).status()).toBe(404);
    await page.goto("/");
    await expect(page.getByRole("link", { name: new RegExp(target) })).toHaveCount(0);

    await page.goto("/admin/products");
    await row.getByRole("button", { name: "Restore" }).click();
    await expect(row.getByText("Active", { exact: true })).toBeVisible();
    expect((await page.request.get("/products/grove-planter")).status()).toBe(200);
  });

  test("is usable on a phone-sized screen", async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto("/admin");
    await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
    await adminShot(page, "dashboard-phone");
    await page.goto("/admin/products/new");
    await adminShot(page, "product-form-phone");
    await page.goto(`/admin/sales/${saleId}`);
    await expect(page.getByTestId("monitor-orders").locator("dd")).toHaveText("1");
    await adminShot(page, "monitor-phone");
    await page.goto(`/admin/sales/${saleId}/orders`);
    await adminShot(page, "orders-phone");
  });
});
