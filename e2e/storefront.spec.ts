import { expect, test } from "@playwright/test";
import { demoAccounts } from "@/db/catalog-data";
import { shot } from "./support/screenshot";

test("home lists the seeded catalog and the drops", async ({ page }) => {
  const res = await page.goto("/");
  expect(res?.status()).toBe(200);
  await expect(page.getByRole("heading", { name: "The shop" })).toBeVisible();
  await expect(page.getByRole("link", { name: /Nimbus ANC Headphones/ })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Drops" })).toBeVisible();
  await shot(page, "home");
});

test("a product page and search work, and unknown pages are a real 404", async ({
  page,
  request,
}) => {
  await page.goto("/");
  await page
    .getByRole("link", { name: /Tidal Dive Watch/ })
    .first()
    .click();
  await expect(page.getByRole("heading", { level: 1, name: "Tidal Dive Watch" })).toBeVisible();
  await expect(page.getByText("$420.00")).toBeVisible();
  await shot(page, "product");

  await page.getByRole("searchbox", { name: "Search products" }).fill("keyboard");
  await page.getByRole("searchbox", { name: "Search products" }).press("Enter");
  await expect(page.getByRole("heading", { name: /Results for/ })).toBeVisible();
  await expect(page.getByRole("link", { name: /Atlas Mechanical Keyboard/ })).toBeVisible();

  expect((await request.get("/products/no-such-thing")).status()).toBe(404);
  expect((await request.get("/no/such/page")).status()).toBe(404);
});

test("the demo shopper signs in and sees their name in the header", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(demoAccounts.shopper.email);
  await page.getByLabel("Password").fill("wrong-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "incorrect" })).toHaveText(
    "Email or password is incorrect.",
  );
  await page.getByLabel("Password").fill(demoAccounts.shopper.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("link", { name: demoAccounts.shopper.name })).toBeVisible();
});

test("is usable on a phone-sized screen", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/products/aurora-runner");
  await expect(page.getByRole("heading", { level: 1, name: "Aurora Runner" })).toBeVisible();
  await shot(page, "product-phone");
});
