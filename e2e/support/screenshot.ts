import type { Page } from "@playwright/test";

/**
 * A full-page screenshot into test-results/screenshots/<name>.png, taken from the top of the
 * page: scrolled, a full-page capture paints the sticky header over the middle of the page.
 * Scrolling does not move focus, so it is safe after focus assertions.
 */
export async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });
}
