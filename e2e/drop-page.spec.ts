import { expect, test } from "@playwright/test";
import { ProductPage, signInAs } from "./pages/shop";
import { createSale, createShoppers, sessionCookie } from "./support/data";
import { shot } from "./support/screenshot";

/** The launch-day drop page: when, in the shopper's own time; Buy Now in reach; honest answers. */

const local = (iso: string, timeZone: string) =>
  new Intl.DateTimeFormat("en-US", {
    weekday: "short",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short",
    timeZone,
  }).format(new Date(iso));

test.describe("in Kolkata, on a phone", () => {
  test.use({ timezoneId: "Asia/Kolkata", locale: "en-US", viewport: { width: 390, height: 844 } });

  test("the start shows in the shopper's time zone, with a calendar file, and Buy Now in view", async ({
    page,
    context,
    request,
  }) => {
    const [shopper] = await createShoppers(1);
    const { product, startsAt } = await createSale({ startsInMs: 3 * 3_600_000, stock: 50 });
    await signInAs(context, shopper!);
    const p = new ProductPage(page);
    await p.open(product.slug);
    await expect(page.getByTestId("countdown")).toHaveText(/^\d:\d\d:\d\d$/);
    await expect(page.getByTestId("drop-start")).toHaveText(
      local(startsAt.toISOString(), "Asia/Kolkata"),
    );
    await expect(page.getByTestId("drop-start")).toContainText("GMT+5:30");
    // At the top of the page, below a tall picture, Buy Now is already in view.
    await expect(p.buyNow()).toBeInViewport();
    await shot(page, "drop-page-390");

    const href = await page.getByRole("link", { name: "Add to calendar" }).getAttribute("href");
    const ics = await request.get(href!);
    expect(ics.status()).toBe(200);
    expect(ics.headers()["content-type"]).toContain("text/calendar");
    const stamp = startsAt
      .toISOString()
      .replace(/[-:]/g, "")
      .replace(/\.\d{3}/, "");
    expect(await ics.text()).toContain(`DTSTART:${stamp}`);
    expect(await ics.text()).toContain(product.slug);
  });
});

test("at 1440 px the drop page shows the start and the calendar link beside the countdown", async ({
  page,
  context,
}) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  const [shopper] = await createShoppers(1);
  const { product } = await createSale({ startsInMs: 3 * 3_600_000, stock: 50 });
  await signInAs(context, shopper!);
  await new ProductPage(page).open(product.slug);
  await expect(page.getByTestId("countdown")).toHaveText(/^\d:\d\d:\d\d$/);
  await expect(page.getByRole("link", { name: "Add to calendar" })).toBeVisible();
  await shot(page, "drop-page-1440");
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the page shows when the drop starts instead of --:--", async ({ page }) => {
    const { product, startsAt } = await createSale({ startsInMs: 3 * 3_600_000 });
    await page.goto(`/products/${product.slug}`);
    await expect(page.getByRole("heading", { name: "Drop starts in" })).toBeVisible();
    const countdown = page.getByTestId("countdown");
    await expect(countdown).not.toContainText("--");
    await expect(countdown).toContainText("UTC");
    await expect(page.getByTestId("drop-start")).toHaveText(local(startsAt.toISOString(), "UTC"));
  });
});

test("the tab title says the answer; a shopper in line is told the chance and the wait", async ({
  page,
  context,
  request,
}) => {
  const [holder, shopper] = await createShoppers(2);
  const { saleId, product } = await createSale({ stock: 1, holdSeconds: 90 });
  // Someone else holds the one unit, so our shopper's press puts them in line.
  const held = await request.post(`/api/sales/${saleId}/token`, {
    headers: { cookie: (await sessionCookie(holder!)).header },
  });
  expect((await held.json()).status).toBe("secured");

  await signInAs(context, shopper!);
  const p = new ProductPage(page);
  await p.open(product.slug);
  const { status } = await p.clickBuyNow();
  expect(status).toBe("in_line");
  await expect(page).toHaveTitle(/^#1 in line · /);
  const chance = page.getByTestId("line-chance");
  await expect(chance).toHaveAttribute("data-chance", "possible");
  await expect(chance).toContainText("1 of them lets its hold run out unpaid");
  await expect(chance).toContainText("within 01:30");
});
