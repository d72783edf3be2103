import { expect, test } from "@playwright/test";
import { ProductPage, signInAs } from "./pages/shop";
import { createSale, createShoppers } from "./support/data";
import { baseURL } from "./support/env";
import { mailTo } from "./support/mail";

/** Confirmation: the order's receipt reaches a real SMTP server (the test's mail catcher), once. */

test("a shopper secures a unit, checks out, and one receipt for that order arrives by SMTP", async ({
  page,
  context,
}) => {
  const [shopper] = await createShoppers(1);
  const { saleId, product } = await createSale({ stock: 2 });
  await signInAs(context, shopper!);
  const p = new ProductPage(page);
  await p.open(product.slug);
  await expect(p.buyNow()).toBeEnabled({ timeout: 10_000 });
  expect((await p.clickBuyNow()).status).toBe("secured");
  await page.getByRole("link", { name: "Check out now" }).click();
  await page.getByTestId("place-order").click();
  await expect(page.getByRole("heading", { name: "It’s yours. Thank you!" })).toBeVisible();
  const orderId = /\/orders\/([0-9a-f-]{36})/.exec(page.url())?.[1];
  expect(orderId).toBeTruthy();

  await expect.poll(async () => (await mailTo(shopper!.email)).length, { timeout: 20_000 }).toBe(1);
  const [receipt] = await mailTo(shopper!.email);
  expect(receipt!.messageId).toBe(`<receipt.${orderId}@stampede.test>`);
  expect(receipt!.subject).toBe(`Your order: Test drop ${product.slug.slice(4)}`);
  expect(receipt!.text).toContain("$42.00");
  const link = `${baseURL}/orders/${orderId}?sale=${saleId}`;
  expect(receipt!.text).toContain(link);
  expect(receipt!.html).toContain(`href="${link}"`);

  // The receipt's link opens the order for the shopper it was sent to.
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "It’s yours. Thank you!" })).toBeVisible();
  // Still one, a few worker passes later.
  await page.waitForTimeout(1_500);
  expect(await mailTo(shopper!.email)).toHaveLength(1);
});
