import http from "node:http";
import { randomInt, randomUUID } from "node:crypto";
import { expect as baseExpect, test, type APIRequestContext, type Page } from "@playwright/test";
import { demoAccounts } from "@/db/catalog-data";
import { actionId } from "./support/actions";
import {
  createSale,
  createShoppers,
  redisClient,
  saleKey,
  sessionCookie,
  SHOPPER_PASSWORD,
  sql,
} from "./support/data";
import { baseURL, e2eSecrets } from "./support/env";

/**
 * The doors an outside attacker would try, each tried over HTTP against the
 * production server. The e2e server trusts 127.0.0.1 as its load balancer (TRUSTED_PROXIES), so
 * a client that is not a proxy speaks from another loopback address.
 */

test.describe.configure({ timeout: 180_000 });
// Sign-in, sign-up and password change each run bcrypt, slow on the shared 2-core machine.
const expect = baseExpect.configure({ timeout: 20_000 });

const port = new URL(baseURL).port;
/** A loopback address of its own per run: per-IP limits of an earlier run do not carry over. */
const outsider = () => `127.${randomInt(1, 250)}.${randomInt(0, 250)}.${randomInt(1, 250)}`;

/** A raw request from `localAddress`, as a client that owns its socket would send it. */
function rawRequest(
  o: { method: string; path: string; headers?: Record<string, string>; body?: string },
  localAddress: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, localAddress, method: o.method, path: o.path, headers: o.headers },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(o.body);
  });
}

const credentialsPost = (ip: string, forwardedFor: string) =>
  rawRequest(
    {
      method: "POST",
      path: "/api/auth/callback/credentials",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-forwarded-for": forwardedFor,
      },
      body: `email=${encodeURIComponent(demoAccounts.shopper.email)}&password=guess`,
    },
    ip,
  );

test.describe("door 1: per-IP limits key on the address, not on a header the client writes", () => {
  test("a client rotating X-Forwarded-For is still one client: the 11th guess in a minute is 429", async () => {
    const ip = outsider();
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++)
      statuses.push((await credentialsPost(ip, `198.51.100.${i + 1}`)).status);
    expect(statuses.slice(0, 10)).not.toContain(429);
    expect(statuses[10]).toBe(429);
  });

  test("behind the trusted proxy, the right-most address it vouches for is the client", async () => {
    // 127.0.0.1 is the trusted proxy: what the client wrote to the left of its hop changes nothing.
    const client = `203.0.113.${randomInt(1, 250)}`;
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++)
      statuses.push((await credentialsPost("127.0.0.1", `10.9.${i}.1, ${client}`)).status);
    expect(statuses.slice(0, 10)).not.toContain(429);
    expect(statuses[10]).toBe(429);
  });
});

/** The value of the hidden callbackUrl field the page rendered. */
async function callbackField(request: APIRequestContext, page: string, callbackUrl: string) {
  const res = await request.get(`${page}?callbackUrl=${encodeURIComponent(callbackUrl)}`);
  expect(res.status()).toBe(200);
  const html = await res.text();
  return /name="callbackUrl" value="([^"]*)"/.exec(html)?.[1];
}

const ESCAPES = [
  "/\t/evil.example/",
  "/\n/evil.example",
  "/\\evil.example",
  "//evil.example",
  "/\r\nSet-Cookie: stolen=1",
  "https://evil.example",
];

test.describe("door 2: redirect targets stay on the shop", () => {
  test("sign-in and sign-up pages keep a control-character or backslash callbackUrl off-site", async ({
    request,
  }) => {
    for (const page of ["/sign-in", "/sign-up"]) {
      for (const evil of ESCAPES) {
        const kept = await callbackField(request, page, evil);
        // Either the fallback or, for the CRLF, a harmless path on the shop with no line break.
        expect(kept, `${page} ${JSON.stringify(evil)}`).toMatch(/^\/(Set-Cookie:%20stolen=1)?$/);
      }
      expect(await callbackField(request, page, "/account?x=1")).toBe("/account?x=1");
    }
  });

  test("Auth.js's own endpoints: the callback-url cookie and redirects stay on the shop, never a 5xx", async ({
    playwright,
  }) => {
    for (const evil of ESCAPES) {
      // A fresh client each time: Auth.js sets the cookie only when it changes.
      const request = await playwright.request.newContext({ baseURL });
      const res = await request.get(`/api/auth/signin?callbackUrl=${encodeURIComponent(evil)}`, {
        maxRedirects: 0,
      });
      expect(res.status(), JSON.stringify(evil)).toBeLessThan(500);
      const cookie = res
        .headersArray()
        .filter((h) => h.name.toLowerCase() === "set-cookie")
        .map((h) => h.value)
        .find((v) => v.startsWith("authjs.callback-url="));
      // Auth.js names the shop by its own idea of the origin (localhost or 127.0.0.1): the path
      // is what the callbackUrl decided.
      expect(cookie, JSON.stringify(evil)).toBeTruthy();
      const value = new URL(decodeURIComponent(cookie!.split(";")[0]!.split("=")[1]!));
      expect(value.hostname, JSON.stringify(evil)).toMatch(/^(localhost|127\.0\.0\.1)$/);
      expect(value.pathname, JSON.stringify(evil)).toMatch(/^\/(Set-Cookie:%20stolen=1)?$/);
      const location = new URL(res.headers().location ?? "/", baseURL);
      expect(location.hostname).toMatch(/^(localhost|127\.0\.0\.1)$/);
      expect(decodeURIComponent(location.search)).not.toContain("evil.example");
      await request.dispose();
    }
  });

  test("the no-JavaScript answer page's back link", async ({ request }) => {
    const [shopper] = await createShoppers(1);
    const { saleId } = await createSale();
    const cookie = (await sessionCookie(shopper!)).header;
    for (const evil of ESCAPES) {
      const res = await request.get(
        `/sales/${saleId}/answer?status=sold_out&back=${encodeURIComponent(evil)}`,
        { headers: { cookie } },
      );
      expect(res.status()).toBe(200);
      // Every link on the page stays on the shop (the query itself is echoed in the page's data).
      const hrefs = [...(await res.text()).matchAll(/href="([^"]*)"/g)].map((m) => m[1]!);
      expect(hrefs.length).toBeGreaterThan(0);
      for (const href of hrefs)
        expect(new URL(href.replace(/&amp;/g, "&"), baseURL).origin, href).toBe(baseURL);
    }
  });
});

/** The shopper's hold and press count in Redis. */
async function pressesOf(saleId: string, userId: string) {
  const r = await redisClient();
  try {
    return {
      holder: await r.hGet(saleKey(saleId, "holder"), userId),
      presses: await r.hGet(saleKey(saleId, "presses"), userId),
    };
  } finally {
    await r.quit();
  }
}

test.describe("door 3: cross-site presses", () => {
  for (const lane of ["fast", "next"] as const) {
    test(`Buy Now and checkout from another port or a sibling subdomain are refused (${lane} lane)`, async ({
      request,
    }) => {
      const [shopper] = await createShoppers(1);
      const { saleId } = await createSale({ stock: 3 });
      const cookie = (await sessionCookie(shopper!)).header;
      const laneHeader: Record<string, string> =
        lane === "next" ? { "x-stampede-lane": "next" } : {};
      expect((await request.get(`/api/sales/${saleId}`)).status()).toBe(200); // armed
      const otherPort = `http://127.0.0.1:${Number(port) + 1}`;
      const foreign: Record<string, string>[] = [
        { origin: otherPort },
        { origin: "https://evil.example" },
        { origin: "null" },
        { "sec-fetch-site": "same-site", origin: otherPort },
        { "sec-fetch-site": "cross-site" },
        { "sec-fetch-site": "same-site" },
      ];
      for (const h of foreign) {
        const press = await request.post(`/api/sales/${saleId}/token`, {
          headers: { cookie, ...laneHeader, ...h },
        });
        expect(press.status(), JSON.stringify(h)).toBe(403);
        const pay = await request.post("/api/orders", {
          headers: { cookie, ...laneHeader, ...h },
          data: { token: "x" },
        });
        expect(pay.status(), JSON.stringify(h)).toBe(403);
      }
      expect(await pressesOf(saleId, shopper!.id)).toEqual({ holder: null, presses: null });

      // The shop's own page: its Origin, and what a browser says of a same-origin fetch.
      const own = await request.post(`/api/sales/${saleId}/token`, {
        headers: { cookie, ...laneHeader, origin: baseURL, "sec-fetch-site": "same-origin" },
      });
      expect(own.status()).toBe(200);
      expect((await own.json()).status).toBe("secured");
    });
  }

  test("presses before the start do not use up the shopper's presses for the drop", async ({
    request,
  }) => {
    const [shopper] = await createShoppers(1);
    // RATE_LIMITS in the e2e server: 5 presses per 2 s.
    const { saleId, startsAt } = await createSale({ stock: 2, startsInMs: 5_000 });
    const cookie = (await sessionCookie(shopper!)).header;
    const early: number[] = [];
    for (let i = 0; i < 15 && Date.now() < startsAt.getTime() - 1_000; i++) {
      const res = await request.post(`/api/sales/${saleId}/token`, { headers: { cookie } });
      early.push(res.status());
      expect((await res.json()).status).toBe("not_started");
    }
    expect(early.length).toBeGreaterThan(5);
    expect(early).not.toContain(429);
    await new Promise((r) => setTimeout(r, Math.max(0, startsAt.getTime() - Date.now() + 300)));
    const res = await request.post(`/api/sales/${saleId}/token`, { headers: { cookie } });
    expect(res.status()).toBe(200);
    expect((await res.json()).status).toBe("secured");
  });
});

/** Signs in through the form, as a shopper would; returns the session cookie's header. */
async function signInThroughForm(page: Page, email: string, password: string) {
  await page.goto("/sign-in?callbackUrl=/account");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(`${baseURL}/account`);
  const session = (await page.context().cookies()).find((c) => c.name === "authjs.session-token");
  expect(session).toBeTruthy();
  return `authjs.session-token=${session!.value}`;
}

/** Whether a copied cookie still opens the account page (not sent to sign-in). */
async function accountOpens(request: APIRequestContext, cookie: string) {
  const res = await request.get("/account", { headers: { cookie }, maxRedirects: 0 });
  return res.status() === 200;
}

test.describe("door 4: sign-out and a password change end the session everywhere", () => {
  test("a session cookie (and its lane ticket) copied before sign-out opens nothing after it", async ({
    browser,
    request,
  }) => {
    const [shopper] = await createShoppers(1);
    const { saleId } = await createSale({ stock: 2 });
    const context = await browser.newContext({ baseURL });
    const page = await context.newPage();
    const cookie = await signInThroughForm(page, shopper!.email, SHOPPER_PASSWORD);
    // The sale panel's /me hands out a lane ticket; keep it with the copied session.
    const me = await request.get(`/api/sales/${saleId}/me`, { headers: { cookie } });
    expect(me.status()).toBe(200);
    const ticket = /^(stampede\.lane=[^;]+)/.exec(me.headers()["set-cookie"] ?? "")?.[1];
    expect(ticket).toBeTruthy();
    const stolen = `${cookie}; ${ticket}`;
    expect(await accountOpens(request, stolen)).toBe(true);
    expect(
      (await request.get(`/api/sales/${saleId}/me`, { headers: { cookie: stolen } })).status(),
    ).toBe(200);

    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();

    expect(await accountOpens(request, stolen)).toBe(false);
    // The fast lane may hold the session's version for a few seconds (VERSION_TTL_MS).
    await expect
      .poll(
        async () =>
          (await request.get(`/api/sales/${saleId}/me`, { headers: { cookie: stolen } })).status(),
        { timeout: 8_000 },
      )
      .toBe(401);
    const press = await request.post(`/api/sales/${saleId}/token`, { headers: { cookie: stolen } });
    expect(press.status()).toBe(401);
    expect(await pressesOf(saleId, shopper!.id)).toEqual({ holder: null, presses: null });
    await context.close();
  });

  test("changing the password signs out every other session; this browser stays in", async ({
    browser,
    request,
  }) => {
    const [shopper] = await createShoppers(1);
    const elsewhere = await browser.newContext({ baseURL });
    const other = await signInThroughForm(
      await elsewhere.newPage(),
      shopper!.email,
      SHOPPER_PASSWORD,
    );
    const context = await browser.newContext({ baseURL });
    const page = await context.newPage();
    await signInThroughForm(page, shopper!.email, SHOPPER_PASSWORD);
    expect(await accountOpens(request, other)).toBe(true);

    const next = `lantern-harbour-${randomUUID().slice(0, 8)}-quietly`;
    await page.goto("/account/password");
    await page.getByLabel("Current password").fill(SHOPPER_PASSWORD);
    await page.getByLabel("New password").fill(next);
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByRole("status")).toContainText("Your password was changed");

    expect(await accountOpens(request, other)).toBe(false);
    await page.goto("/account");
    await expect(page).toHaveURL(/\/account$/);
    // The old password no longer signs in; the new one does.
    const fresh = await browser.newContext({ baseURL });
    const p = await fresh.newPage();
    await p.goto("/sign-in");
    await p.getByLabel("Email").fill(shopper!.email);
    await p.getByLabel("Password").fill(SHOPPER_PASSWORD);
    await p.getByRole("button", { name: "Sign in" }).click();
    await expect(p.locator("form").getByRole("alert")).toHaveText(
      "Email or password is incorrect.",
    );
    await signInThroughForm(p, shopper!.email, next);
    await Promise.all([elsewhere.close(), context.close(), fresh.close()]);
  });
});

/** Signs up through the form from its own made-up address (the sign-up limit is per client). */
async function signUp(page: Page, email: string, password: string) {
  await page.setExtraHTTPHeaders({ "x-forwarded-for": `192.0.2.${randomInt(1, 250)}` });
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill("Door Five");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
}

test.describe("door 5: passwords", () => {
  test("guessable passwords are refused with a reason; a strong one makes the account", async ({
    page,
  }) => {
    const email = `door5-${randomUUID().slice(0, 8)}@e2e.stampede.test`;
    for (const weak of ["12345678", "password", "        ", "door5door5", "qwertyuiop"]) {
      await signUp(page, email, weak);
      await expect(page.locator("#password-error")).toContainText("too easy to guess");
      const { rows } = await sql().query(`select 1 from users where email = $1`, [email]);
      expect(rows).toHaveLength(0);
    }
    await signUp(page, email, "amber-tugboat-sings-at-noon");
    await expect(page.getByRole("link", { name: "Door Five" })).toBeVisible();
  });

  test("two passwords that share their first 72 bytes are two passwords", async ({ browser }) => {
    const email = `door5-${randomUUID().slice(0, 8)}@e2e.stampede.test`;
    const head = "correct-horse-battery-staple-".repeat(3).slice(0, 72);
    const context = await browser.newContext({ baseURL });
    const first = await context.newPage();
    await signUp(first, email, `${head}-the-first`);
    await expect(first.getByRole("link", { name: "Door Five" })).toBeVisible();
    await context.close();
    const other = await browser.newContext({ baseURL });
    const page = await other.newPage();
    await page.goto("/sign-in");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(`${head}-another-ending`);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.locator("form").getByRole("alert")).toHaveText(
      "Email or password is incorrect.",
    );
    await signInThroughForm(page, email, `${head}-the-first`);
    await other.close();
  });
});

test.describe("door 6: the smaller doors", () => {
  test("a non-ASCII metrics token of the right length is a plain 401", async ({ request }) => {
    const length = e2eSecrets.METRICS_TOKEN.length;
    // Sent as raw bytes (Latin-1), as HTTP carries them: the server reads one character each.
    for (const token of ["é".repeat(length), "ÿ".repeat(length), "x".repeat(length - 1) + "ü"]) {
      const res = await rawRequest(
        { method: "GET", path: "/api/metrics", headers: { authorization: `Bearer ${token}` } },
        "127.0.0.1",
      );
      expect(res.status).toBe(401);
    }
    const ok = await request.get("/api/metrics", {
      headers: { authorization: `Bearer ${e2eSecrets.METRICS_TOKEN}` },
    });
    expect(ok.status()).toBe(200);
  });

  test("a server action with a body over 1 MB, without a length, or nested too deep is a 4xx", async ({
    request,
  }) => {
    const { id, page } = actionId("app/(auth)/actions.ts", "signInAction");
    const url =
      page
        .replace(/^app/, "")
        .replace(/\/page$/, "")
        .replace(/\/\([^)]+\)/g, "") || "/";
    const post = (body: string) =>
      request.post(url, {
        headers: { "next-action": id, "content-type": "text/plain;charset=UTF-8", origin: baseURL },
        data: body,
      });
    expect((await post(`["${"x".repeat(1024 * 1024 + 10)}"]`)).status()).toBe(413);
    expect((await post(`${"[".repeat(5_000)}${"]".repeat(5_000)}`)).status()).toBe(400);
    expect((await post(`[${'{"a":'.repeat(3_000)}1${"}".repeat(3_000)}]`)).status()).toBe(400);
    // Sent without a length (chunked), as a client that streams it would.
    const chunked = await rawRequest(
      {
        method: "POST",
        path: url,
        headers: {
          "next-action": id,
          "content-type": "text/plain;charset=UTF-8",
          "transfer-encoding": "chunked",
          origin: baseURL,
        },
        body: "[]",
      },
      "127.0.0.1",
    );
    expect(chunked.status).toBe(411);
  });

  test("the CSV export quotes a name with ';' and defuses a formula", async ({ request }) => {
    const { saleId } = await createSale({ stock: 2 });
    const id = randomUUID();
    await sql().query(
      `insert into users (id, email, name, password_hash, role) values ($1, $2, $3, 'x', 'shopper')`,
      [id, `${id}@e2e.stampede.test`, "Mallory;=1+2;x"],
    );
    await sql().query(
      `insert into orders (sale_id, user_id, token_id, price_cents) values ($1, $2, $3, 4200)`,
      [saleId, id, `csv-${id}`],
    );
    const { rows } = await sql().query(`select id, email, name from users where email = $1`, [
      demoAccounts.merchant.email,
    ]);
    const merchant = (await sessionCookie(rows[0], "merchant")).header;
    const res = await request.get(`/api/admin/sales/${saleId}/orders.csv`, {
      headers: { cookie: merchant },
    });
    expect(res.status()).toBe(200);
    const line = (await res.text()).split("\r\n").find((l) => l.includes(id))!;
    // Unquoted, a spreadsheet splitting on ';' would put "=1+2" in a cell of its own and run it.
    expect(line).toContain(`,"Mallory;=1+2;x",`);
    await sql().query(`delete from orders where user_id = $1`, [id]);
  });
});
