import { expect, type BrowserContext, type Page } from "@playwright/test";
import { baseURL } from "../support/env";
import { sessionCookie } from "../support/data";

/** Page objects for the shopper's side: signing in, the sale panel, checkout. */

export async function signInAs(
  context: BrowserContext,
  user: { id: string; email: string; name: string },
) {
  const c = await sessionCookie(user);
  await context.addCookies([
    { name: c.name, value: c.value, url: baseURL, httpOnly: true, sameSite: "Lax" },
  ]);
}

export class ProductPage {
  constructor(readonly page: Page) {}
  buyNow = () => this.page.getByTestId("buy-now");
  result = () => this.page.getByTestId("sale-result");

  async open(slug: string) {
    await this.page.goto(`/products/${slug}`);
    await expect(
      this.page.getByRole("heading", { level: 2, name: /Drop starts in|Live now|Sold out|ended/ }),
    ).toBeVisible();
  }

  /**
   * Waits (without Playwright's polling loop: one in-page check every 250 ms) for the answer to
   * a Buy Now pressed some other way, and reads it as clickBuyNow does.
   */
  async awaitAnswer(timeout: number): Promise<{ status: string; ms: number; attempts: string }> {
    await this.page.waitForFunction(
      () =>
        document.querySelector('[data-testid="sale-result"]') &&
        document.querySelector('[data-testid="sale-answer"]')?.getAttribute("data-answer-ms"),
      null,
      { timeout, polling: 250 },
    );
    const answer = this.page.getByTestId("sale-answer");
    return {
      status: (await this.result().getAttribute("data-status")) ?? "",
      ms: Number(await answer.getAttribute("data-answer-ms")),
      attempts: (await answer.getAttribute("data-attempts")) ?? "",
    };
  }

  /**
   * Clicks Buy Now and returns the final answer's status and the click-to-answer time: `ms` as
   * the page measured it (from the click event to the answer rendered, `data-answer-ms`), and
   * `wallMs` as this test saw it (which adds Playwright's own click and polling overhead — with
   * thirty browser contexts on two cores that overhead is most of it), and what each attempt of
   * the click got from the server (`data-attempts`, e.g. "network_error,secured").
   */
  async clickBuyNow(): Promise<{ status: string; ms: number; wallMs: number; attempts: string }> {
    const started = Date.now();
    await this.buyNow().click();
    await expect(this.result()).toBeVisible({ timeout: 10_000 });
    const wallMs = Date.now() - started;
    await expect(this.page.getByTestId("sale-answer")).toHaveAttribute("data-answer-ms", /\d+/);
    const answer = this.page.getByTestId("sale-answer");
    const ms = Number(await answer.getAttribute("data-answer-ms"));
    const attempts = (await answer.getAttribute("data-attempts")) ?? "";
    return {
      status: (await this.result().getAttribute("data-status")) ?? "",
      ms,
      wallMs,
      attempts,
    };
  }
}
