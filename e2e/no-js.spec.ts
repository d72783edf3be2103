import { expect, test } from "@playwright/test";
import { signInAs } from "./pages/shop";
import { createSale, createShoppers, sessionCookie } from "./support/data";
import { shot } from "./support/screenshot";

/** Progressive enhancement: with JavaScript off, Buy Now is a plain form post to the server action. */

test.use({ javaScriptEnabled: false });

test("without JavaScript a shopper presses Buy Now and gets a true answer", async ({
  page,
  context,
  request,
}) => {
  const [first, second] = await createShoppers(2);
  const { product, saleId } = await createSale({ stock: 1, holdSeconds: 120 });

  await signInAs(context, first!);
  await page.goto(`/products/${product.slug}`);
  await page.getByRole("button", { name: "Buy Now" }).click();
  await expect(page.getByTestId("no-js-answer")).toHaveAttribute("data-status", "secured");
  await expect(page.getByRole("heading", { name: /Secured!/ })).toBeVisible();
  await shot(page, "no-js-secured");

  // The second shopper, the only unit held: in line — the same answer the fast lane gives.
  await context.clearCookies();
  await signInAs(context, second!);
  await page.goto(`/products/${product.slug}`);
  await page.getByRole("button", { name: "Buy Now" }).click();
  await expect(page.getByTestId("no-js-answer")).toHaveAttribute("data-status", "in_line");
  await expect(page.getByRole("heading", { name: "You’re #1 in line." })).toBeVisible();
  const viaApi = await request.post(`/api/sales/${saleId}/token`, {
    headers: { cookie: (await sessionCookie(second!)).header },
  });
  expect((await viaApi.json()).status).toBe("in_line");
});
