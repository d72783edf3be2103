import { expect, test, type APIRequestContext } from "@playwright/test";
import { ProductPage, signInAs } from "./pages/shop";
import { createSale, createShoppers, sessionCookie, sql } from "./support/data";

/** A drop that is over says so, everywhere: nothing on the page suggests it can still be joined. */

/** Sells every unit of a sale through the API, as shoppers would. */
async function sellOut(request: APIRequestContext, saleId: string, stock: number) {
  for (const buyer of await createShoppers(stock)) {
    const cookie = (await sessionCookie(buyer)).header;
    const press = await (
      await request.post(`/api/sales/${saleId}/token`, { headers: { cookie } })
    ).json();
    expect(press.status).toBe("secured");
    const order = await request.post("/api/orders", {
      headers: { cookie },
      data: { token: press.token },
    });
    expect(order.status()).toBe(201);
  }
}

test("an ended drop shows what it sold, with no stock, sign-in or Buy Now", async ({
  page,
  context,
}) => {
  const { product } = await createSale({
    startsInMs: -2 * 3_600_000,
    durationMs: 3_600_000,
    stock: 200,
  });
  const p = new ProductPage(page);
  await p.open(product.slug);
  const panel = page.locator(".sale-panel");
  await expect(panel.getByRole("heading", { name: "This drop has ended" })).toBeVisible();
  await expect(page.getByTestId("drop-summary")).toHaveText("0 of 200 units sold.");
  await expect(panel.getByText("remaining")).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Sign in to join the drop" })).toHaveCount(0);

  const [shopper] = await createShoppers(1);
  await signInAs(context, shopper!);
  await page.reload();
  await expect(panel.getByRole("heading", { name: "This drop has ended" })).toBeVisible();
  await expect(p.buyNow()).toHaveCount(0);
});

test("a sold-out drop is 'Sold out' on its page and on the home page: no end countdown, no Buy Now", async ({
  page,
  context,
  request,
}) => {
  const { saleId, product } = await createSale({ stock: 2 });
  await sellOut(request, saleId, 2);

  const [late] = await createShoppers(1);
  await signInAs(context, late!);
  const p = new ProductPage(page);
  await p.open(product.slug);
  const panel = page.locator(".sale-panel");
  await expect(panel.getByRole("heading", { name: "Sold out" })).toBeVisible();
  await expect(page.getByTestId("drop-summary")).toContainText("2 of 2 units sold");
  await expect(panel.getByText(/Ends in/)).toHaveCount(0);
  await expect(panel.getByText("Live", { exact: true })).toHaveCount(0);
  await expect(p.buyNow()).toHaveCount(0);
  await expect(panel.getByText(/press Buy Now again/)).toHaveCount(0);

  // The home page lists it (a merchant's edit refreshes the storefront's sales), as sold out.
  const { rows } = await sql().query(
    `select u.id, u.email from users u where u.role = 'merchant' limit 1`,
  );
  const merchant = await sessionCookie({ ...rows[0], name: "Demo Merchant" }, "merchant");
  const { rows: products } = await sql().query(`select id from products where slug = $1`, [
    product.slug,
  ]);
  const renamed = `Sold-out drop ${product.slug.slice(4)}`;
  expect(
    (
      await request.patch(`/api/admin/products/${products[0].id}`, {
        headers: { cookie: merchant.header },
        data: { name: renamed },
      })
    ).status(),
  ).toBe(200);
  await expect
    .poll(async () => (await request.get("/")).text(), { timeout: 10_000 })
    .toContain(renamed);
  await page.goto("/");
  const tile = page.locator(".sale-tile", { hasText: renamed });
  await expect(tile.getByText("Sold out")).toBeVisible();
  await expect(tile.getByText("Live now")).toHaveCount(0);
});
