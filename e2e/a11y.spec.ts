import AxeBuilder from "@axe-core/playwright";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { ProductPage, signInAs } from "./pages/shop";
import { createSale, createShoppers, sessionCookie } from "./support/data";

/**
 * axe over every shopper page, at a phone's width and a desktop's: no serious or critical
 * violation. Pages are checked as a shopper sees them, once their client data has loaded.
 */

const WIDTHS = [
  { width: 390, height: 844 },
  { width: 1440, height: 900 },
];

async function audit(page: Page, name: string): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const found = violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) =>
        `${name} @${page.viewportSize()?.width}px: ${v.id} (${v.impact}) ${v.help} — ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(" "))
          .join(" | ")}`,
    );
  console.log(
    `axe ${name} @${page.viewportSize()?.width}px: ${found.length ? found.join("; ") : "clean"}`,
  );
  return found;
}

async function sellOut(request: APIRequestContext, saleId: string) {
  const [buyer] = await createShoppers(1);
  const cookie = (await sessionCookie(buyer!)).header;
  const press = await (
    await request.post(`/api/sales/${saleId}/token`, { headers: { cookie } })
  ).json();
  expect(press.status).toBe("secured");
  expect(
    (
      await request.post("/api/orders", { headers: { cookie }, data: { token: press.token } })
    ).status(),
  ).toBe(201);
}

test("axe finds no serious or critical violation on any shopper page, at 390 and 1440 px", async ({
  browser,
  request,
}) => {
  test.setTimeout(480_000);
  const upcoming = await createSale({ startsInMs: 3 * 3_600_000 });
  const live = await createSale({ stock: 5 });
  const soldOut = await createSale({ stock: 1 });
  await sellOut(request, soldOut.saleId);
  const ended = await createSale({ startsInMs: -2 * 3_600_000, durationMs: 3_600_000 });
  const [shopper] = await createShoppers(1);
  const cookie = (await sessionCookie(shopper!)).header;
  // A hold to check out, and one bought to show as an order.
  const bought = await createSale({ stock: 2 });
  const first = await (
    await request.post(`/api/sales/${bought.saleId}/token`, { headers: { cookie } })
  ).json();
  const order = await (
    await request.post("/api/orders", { headers: { cookie }, data: { token: first.token } })
  ).json();
  expect(order.orderId).toBeTruthy();
  const toCheckOut = await createSale({ stock: 2 });
  expect(
    (
      await (
        await request.post(`/api/sales/${toCheckOut.saleId}/token`, { headers: { cookie } })
      ).json()
    ).status,
  ).toBe("secured");

  const signedOut: [string, string, (p: Page) => Promise<void>][] = [
    ["home", "/", (p) => expect(p.getByRole("heading", { name: "The shop" })).toBeVisible()],
    ["search", "/search?q=lamp", (p) => expect(p.locator("main h1")).toBeVisible()],
    ["sign-in", "/sign-in", (p) => expect(p.getByLabel("Email")).toBeVisible()],
    ["sign-up", "/sign-up", (p) => expect(p.getByLabel("Name")).toBeVisible()],
  ];
  const product = (heading: RegExp) => (p: Page) =>
    expect(p.locator(".sale-panel").getByRole("heading", { name: heading })).toBeVisible();
  const signedIn: [string, string, (p: Page) => Promise<void>][] = [
    [
      "product (upcoming)",
      `/products/${upcoming.product.slug}`,
      async (p) => {
        await product(/Drop starts in/)(p);
        await expect(new ProductPage(p).buyNow()).toBeDisabled();
      },
    ],
    [
      "product (live)",
      `/products/${live.product.slug}`,
      async (p) => {
        await product(/Live now/)(p);
        await expect(new ProductPage(p).buyNow()).toBeEnabled();
      },
    ],
    ["product (sold out)", `/products/${soldOut.product.slug}`, product(/Sold out/)],
    ["product (ended)", `/products/${ended.product.slug}`, product(/ended/)],
    ["account", "/account", (p) => expect(p.getByTestId("orders")).toBeVisible()],
    [
      "checkout",
      `/checkout/${toCheckOut.saleId}`,
      (p) => expect(p.getByTestId("checkout-timer")).toBeVisible(),
    ],
    ["order", `/orders/${order.orderId}`, (p) => expect(p.locator("main h1")).toBeVisible()],
  ];

  const problems: string[] = [];
  for (const viewport of WIDTHS) {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    for (const [name, url, ready] of signedOut) {
      await page.goto(url);
      await ready(page);
      problems.push(...(await audit(page, name)));
    }
    await signInAs(context, shopper!);
    for (const [name, url, ready] of signedIn) {
      await page.goto(url);
      await ready(page);
      problems.push(...(await audit(page, name)));
    }
    await context.close();
  }
  expect(problems).toEqual([]);
});

test("the hold timer ticks outside the live region; a failed sign-in puts focus on the error", async ({
  page,
  context,
}) => {
  const [shopper] = await createShoppers(1);
  const { product } = await createSale({ stock: 2 });
  await signInAs(context, shopper!);
  const p = new ProductPage(page);
  await p.open(product.slug);
  expect((await p.clickBuyNow()).status).toBe("secured");
  await expect(page.getByTestId("hold-timer")).toHaveText(/\d\d:\d\d/);
  // Nothing that ticks is inside a region a screen reader reads out on every change.
  await expect(
    page.locator('[aria-live]:not([aria-live="off"]) [data-testid="hold-timer"]'),
  ).toHaveCount(0);
  const live = page.locator('[aria-live]:not([aria-live="off"])');
  const before = await live.allTextContents();
  await page.waitForTimeout(2_200);
  expect(await live.allTextContents()).toEqual(before);

  await context.clearCookies();
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(`${shopper!.email}`);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator(".form-error")).toBeFocused();
});
