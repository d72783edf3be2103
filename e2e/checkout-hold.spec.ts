import AxeBuilder from "@axe-core/playwright";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { signInAs } from "./pages/shop";
import { createSale, createShoppers, sessionCookie } from "./support/data";
import { shot } from "./support/screenshot";

/**
 * Checkout tells a shopper the truth about their hold: one who never had a hold is told so and
 * sent to the drop, one in line is told their place, and only a hold that ran out is "expired".
 */

async function press(request: APIRequestContext, saleId: string, cookie: string) {
  return (await request.post(`/api/sales/${saleId}/token`, { headers: { cookie } })).json();
}

async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help}`);
}

const state = (page: Page) => page.getByTestId("checkout-state");

test("checkout without a hold says there is none and links to the drop, at 390 and 1440 px", async ({
  page,
  context,
  request,
}) => {
  const [shopper, holder] = await createShoppers(2);
  const { saleId, product } = await createSale({ stock: 1 });
  await signInAs(context, shopper!);

  for (const width of [390, 1440]) {
    await page.setViewportSize({ width, height: width < 600 ? 844 : 900 });
    await page.goto(`/checkout/${saleId}`);
    await expect(state(page)).toHaveAttribute("data-status", "no_hold");
    await expect(state(page)).toContainText("You have no hold on this drop.");
    await expect(page.getByText(/expired/i)).toHaveCount(0);
    const link = page.getByRole("link", { name: "Go to the drop" });
    await expect(link).toHaveAttribute("href", `/products/${product.slug}`);
    expect(await seriousViolations(page)).toEqual([]);
    await shot(page, `checkout-no-hold-${width}`);
  }
  await page.getByRole("link", { name: "Go to the drop" }).click();
  await expect(page).toHaveURL(new RegExp(`/products/${product.slug}$`));

  // In line behind the one unit's holder: still no hold, and the page says where they stand.
  expect((await press(request, saleId, (await sessionCookie(holder!)).header)).status).toBe(
    "secured",
  );
  expect((await press(request, saleId, (await sessionCookie(shopper!)).header)).status).toBe(
    "in_line",
  );
  await page.goto(`/checkout/${saleId}`);
  await expect(state(page)).toHaveAttribute("data-status", "no_hold");
  await expect(state(page)).toContainText("You are #1 in line");
  await expect(page.getByText(/expired/i)).toHaveCount(0);
});

test("a hold that runs out at checkout is 'expired'", async ({ page, context, request }) => {
  const [shopper] = await createShoppers(1);
  const { saleId, product } = await createSale({ stock: 2, holdSeconds: 8 });
  expect((await press(request, saleId, (await sessionCookie(shopper!)).header)).status).toBe(
    "secured",
  );
  await signInAs(context, shopper!);
  await page.goto(`/checkout/${saleId}`);
  await expect(state(page)).toHaveAttribute("data-status", "holding");
  await expect(page.getByTestId("checkout-timer")).toBeVisible();

  await expect(state(page)).toHaveAttribute("data-status", "expired", { timeout: 20_000 });
  await expect(page.getByText("Your hold has expired.")).toBeVisible();
  await expect(page.getByRole("link", { name: "Back to the product" })).toHaveAttribute(
    "href",
    `/products/${product.slug}`,
  );
  await shot(page, "checkout-hold-expired");
});
