import AxeBuilder from "@axe-core/playwright";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { demoAccounts } from "@/db/catalog-data";
import { adminPages, signIn, sql, urlFor } from "./admin/support";
import { e2e } from "./support/env";

/**
 * axe over every admin page (found from app/admin, so a new page cannot be missed), signed in
 * as the merchant, at a phone's and a laptop's width: no serious or critical violation.
 */

const MERCHANT = path.join(tmpdir(), `stampede-a11y-e2e-${e2e.port}-merchant.json`);

test.beforeAll(async ({ browser }) => {
  test.setTimeout(120_000);
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const { merchant } = demoAccounts;
  await signIn(await context.newPage(), merchant.email, merchant.password, "/admin");
  await context.storageState({ path: MERCHANT });
  await context.close();
});
test.use({ storageState: MERCHANT });

for (const file of adminPages())
  for (const [width, height] of [
    [390, 844],
    [1440, 900],
  ] as const)
    test(`${file} at ${width} px has no serious or critical axe violation`, async ({ page }) => {
      await page.setViewportSize({ width, height });
      const [p] = await sql<{ id: string }>(`select id from products where slug = 'aurora-runner'`);
      const [s] = await sql<{ id: string }>(`select id from sales order by starts_at limit 1`);
      const url = urlFor(file, { product: p!.id, sale: s!.id });
      await page.goto(url);
      await expect(page.locator("h1")).toBeVisible();
      // The monitor's first answer is part of the page.
      if ((await page.locator(".monitor").count()) > 0)
        await expect(page.locator(".monitor-head [role=status]")).not.toHaveText("Connecting…", {
          timeout: 20_000,
        });
      const { violations } = await new AxeBuilder({ page })
        .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
        .analyze();
      const found = violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map(
          (v) =>
            `${v.id} (${v.impact}) ${v.help} — ${v.nodes
              .slice(0, 3)
              .map((n) => n.target.join(" "))
              .join(", ")}`,
        );
      expect(found, `${url}:\n${found.join("\n")}`).toEqual([]);
    });
