import { randomUUID } from "node:crypto";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { signInAs } from "./pages/shop";
import { createSale, createShoppers, orderCount, sessionCookie } from "./support/data";
import { pg } from "./support/pg-outage";
import { shot } from "./support/screenshot";

/**
 * An order page tells the truth: an order that is not the shopper's — unknown, malformed or
 * another shopper's — is a 404, and "received" is said only of a purchase the shopper really
 * made that PostgreSQL has not written yet.
 */

const RECEIVED = "We’ve got your order";
const YOURS = "It’s yours. Thank you!";

async function secure(request: APIRequestContext, saleId: string, cookie: string) {
  const res = await request.post(`/api/sales/${saleId}/token`, { headers: { cookie } });
  const body = await res.json();
  expect(body.status).toBe("secured");
  return body.token as string;
}

async function orderPage(request: APIRequestContext, path: string, cookie?: string) {
  const res = await request.get(path, { headers: cookie ? { cookie } : {}, maxRedirects: 0 });
  return { status: res.status(), text: await res.text(), location: res.headers()["location"] };
}

test("unknown, malformed and other shoppers' order ids are a 404; the shopper's own order shows", async ({
  page,
  context,
  request,
}) => {
  const [buyer, other] = await createShoppers(2);
  const { saleId, product } = await createSale({ stock: 5 });
  const buyerCookie = (await sessionCookie(buyer!)).header;
  const otherCookie = (await sessionCookie(other!)).header;
  const placed = await request.post("/api/orders", {
    headers: { cookie: buyerCookie },
    data: { token: await secure(request, saleId, buyerCookie) },
  });
  expect(placed.status()).toBe(201);
  const { orderId } = await placed.json();

  const notTheirs: [string, string][] = [
    [`/orders/${randomUUID()}`, buyerCookie],
    [`/orders/${randomUUID()}?sale=${saleId}`, buyerCookie],
    ["/orders/not-an-order", buyerCookie],
    [`/orders/${orderId}?sale=not-a-sale`, otherCookie],
    [`/orders/${orderId}`, otherCookie],
    [`/orders/${orderId}?sale=${saleId}`, otherCookie],
  ];
  for (const [path, cookie] of notTheirs) {
    const res = await orderPage(request, path, cookie);
    expect(res.status, path).toBe(404);
    expect(res.text, path).not.toContain(RECEIVED);
  }

  // Signed out: sent to sign in, told nothing about the order.
  const signedOut = await orderPage(request, `/orders/${orderId}?sale=${saleId}`);
  expect(signedOut.status).toBe(307);
  expect(signedOut.location).toContain("/sign-in?callbackUrl=");
  expect(decodeURIComponent(signedOut.location ?? "")).toContain(
    `/orders/${orderId}?sale=${saleId}`,
  );

  const own = await orderPage(request, `/orders/${orderId}`, buyerCookie);
  expect(own.status).toBe(200);
  expect(own.text).toContain(YOURS);

  await signInAs(context, buyer!);
  await page.goto(`/orders/${randomUUID()}`);
  await expect(page.getByRole("heading", { name: "We couldn’t find that page" })).toBeVisible();
  await expect(page.getByText(RECEIVED)).toHaveCount(0);
  await page.goto(`/orders/${orderId}`);
  await expect(page.getByRole("heading", { name: YOURS })).toBeVisible();
  await expect(page.getByText(product.slug.slice(4))).toBeVisible();
});

test.describe("with the outbox behind PostgreSQL", () => {
  test.skip(process.env.E2E_PG_PROXY === "0", "the e2e server runs without the PostgreSQL proxy");
  test.describe.configure({ timeout: 120_000 });
  test.afterEach(() => pg("up"));

  test("a purchase not yet written shows as received to its buyer alone, then as the order", async ({
    page,
    context,
    request,
  }) => {
    const [buyer, other] = await createShoppers(2);
    const { saleId } = await createSale({ stock: 5 });
    const buyerCookie = (await sessionCookie(buyer!)).header;
    await secure(request, saleId, buyerCookie);

    await signInAs(context, buyer!);
    await page.goto(`/checkout/${saleId}`);
    await expect(page.getByTestId("checkout-state")).toHaveAttribute("data-status", "holding");
    await pg("down");
    await page.getByTestId("place-order").click();
    await expect(page.getByText("Order received")).toBeVisible({ timeout: 15_000 });
    await expect(page.getByRole("heading", { name: RECEIVED })).toBeVisible();
    const url = new URL(page.url());
    const orderId = url.pathname.split("/").pop()!;
    expect(url.searchParams.get("sale")).toBe(saleId);
    expect(await orderCount(saleId)).toBe(0);
    await shot(page, "order-received");

    // Redis knows whose purchase it is: to anyone else it is no order of theirs.
    const foreign = await orderPage(
      request,
      `/orders/${orderId}?sale=${saleId}`,
      (await sessionCookie(other!)).header,
    );
    expect(foreign.status).toBe(404);
    expect(foreign.text).not.toContain(RECEIVED);
    // An id Redis does not know, with PostgreSQL away: not "received", and not a claim of 404.
    const unknown = await orderPage(request, `/orders/${randomUUID()}?sale=${saleId}`, buyerCookie);
    expect(unknown.status).toBe(500);
    expect(unknown.text).not.toContain(RECEIVED);
    const lookup = await context.newPage();
    await lookup.goto(`/orders/${randomUUID()}?sale=${saleId}`);
    await expect(
      lookup.getByRole("heading", { name: "We can’t look up this order right now" }),
    ).toBeVisible();
    await shot(lookup, "order-lookup-unavailable");
    await lookup.close();

    await pg("up");
    // The page checks again by itself; the outbox writes the order once PostgreSQL is back.
    await expect(page.getByRole("heading", { name: YOURS })).toBeVisible({ timeout: 45_000 });
    expect(await orderCount(saleId)).toBe(1);
    expect((await orderPage(request, `/orders/${orderId}`, buyerCookie)).status).toBe(200);
  });
});
