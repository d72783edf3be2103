import { randomInt } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { demoAccounts } from "@/db/catalog-data";

/**
 * Sign-in and sign-up are limited per client IP (10 a minute, 5 per 10 minutes). The client IP
 * is the last hop of x-forwarded-for (lib/ratelimit/client-ip.ts), so each test speaks from its
 * own made-up address and the rest of the suite, all from 127.0.0.1, keeps its budget.
 */

const address = () => `198.51.100.${randomInt(1, 255)}`;

async function from(page: Page, ip: string) {
  await page.setExtraHTTPHeaders({ "x-forwarded-for": `203.0.113.250, ${ip}` });
}

/**
 * Submits a form and waits for the server action's answer (so equal messages are not confused)
 * and for React to reset the form after it (which would otherwise clear the next try's password).
 */
async function submit(page: Page, button: string) {
  await Promise.all([
    page.waitForResponse(
      (r) => r.request().method() === "POST" && r.request().headers()["next-action"] !== undefined,
    ),
    page.getByRole("button", { name: button }).click(),
  ]);
  await expect(page.getByLabel("Password")).toHaveValue("");
}

async function signInOnce(page: Page, password: string) {
  await page.getByLabel("Email").fill(demoAccounts.shopper.email);
  await page.getByLabel("Password").fill(password);
  await submit(page, "Sign in");
}

test("past 10 sign-in attempts in a minute from one address, the shopper is told how long to wait", async ({
  page,
  browser,
}) => {
  const ip = address();
  await from(page, ip);
  await page.goto("/sign-in");
  const alert = page.locator("form").getByRole("alert");
  for (let i = 1; i <= 10; i++) {
    await signInOnce(page, `wrong-password-${i}`);
    await expect(alert).toHaveText("Email or password is incorrect.");
  }
  // The window slides (Upstash weighs the previous fixed window by how much of it is left), so
  // when the attempts straddle a minute boundary one or two more may pass before the refusal.
  let attempts = 10;
  do {
    await signInOnce(page, `wrong-password-${++attempts}`);
    await expect(alert).toHaveText(/^(Email or password is incorrect|Too many attempts.*)\.$/);
  } while (!(await alert.textContent())!.startsWith("Too many") && attempts < 13);
  test.info().annotations.push({ type: "refused at attempt", description: String(attempts) });
  await expect(alert).toHaveText(/^Too many attempts, try again in \d+ s\.$/);
  const seconds = Number(/in (\d+) s/.exec((await alert.textContent())!)![1]);
  expect(seconds).toBeGreaterThanOrEqual(1);
  expect(seconds).toBeLessThanOrEqual(60);
  // The right password does not get through either until the wait is over…
  await signInOnce(page, demoAccounts.shopper.password);
  await expect(alert).toHaveText(/^Too many attempts/);

  // …but a shopper at another address signs in as usual.
  const other = await browser.newPage();
  await from(other, `100.64.${randomInt(0, 255)}.${randomInt(1, 255)}`);
  await other.goto("/sign-in");
  await other.getByLabel("Email").fill(demoAccounts.shopper.email);
  await other.getByLabel("Password").fill(demoAccounts.shopper.password);
  await other.getByRole("button", { name: "Sign in" }).click();
  await expect(other.getByRole("link", { name: demoAccounts.shopper.name })).toBeVisible();
  await other.close();
});

test("posting straight to Auth.js's credentials endpoint counts against the same limit", async ({
  request,
}) => {
  const ip = `192.0.2.${randomInt(1, 255)}`;
  const post = () =>
    request.post("/api/auth/callback/credentials", {
      headers: { "x-forwarded-for": ip },
      form: { email: demoAccounts.shopper.email, password: "guess" },
      maxRedirects: 0,
    });
  for (let i = 0; i < 10; i++) expect((await post()).status()).not.toBe(429);
  const refused = await post();
  expect(refused.status()).toBe(429);
  expect(refused.headers()["content-type"]).toBe("text/plain");
  expect(Number(refused.headers()["retry-after"])).toBeGreaterThanOrEqual(1);
  expect(await refused.text()).toMatch(/^Too many attempts, try again in \d+ s\.\n$/);
});

test("sign-up allows five tries per address in ten minutes", async ({ page }) => {
  await from(page, `203.0.113.${randomInt(1, 249)}`);
  await page.goto("/sign-up");
  const alert = page.locator("form").getByRole("alert");
  const attempt = async () => {
    await page.getByLabel("Name").fill("Mallory");
    // An existing account: each try is refused without creating anything, but still counts.
    await page.getByLabel("Email").fill(demoAccounts.shopper.email);
    await page.getByLabel("Password").fill("a-long-enough-password");
    await submit(page, "Create account");
  };
  for (let i = 0; i < 5; i++) {
    await attempt();
    await expect(alert).toContainText("We couldn’t create an account");
  }
  await attempt();
  await expect(alert).toHaveText(/^Too many attempts, try again in \d+ s\.$/);
});
