import { expect, test } from "@playwright/test";
import { sessionCookie, sql } from "./support/data";
import { metric } from "./support/metrics";

/** The read path: a cached product page costs PostgreSQL nothing; an edit revalidates its tag. */

const dbQueries = (request: import("@playwright/test").APIRequestContext) =>
  metric(request, "stampede_db_queries_total");

test("a repeated product page is served from the cache without querying PostgreSQL", async ({
  request,
}) => {
  expect((await request.get("/products/ember-kettle")).status()).toBe(200);
  expect((await request.get("/products/ember-kettle")).status()).toBe(200);
  const before = await dbQueries(request);
  for (let i = 0; i < 20; i++) {
    const res = await request.get("/products/ember-kettle");
    expect(res.status()).toBe(200);
    expect(await res.text()).toContain("Ember Pour-Over Kettle");
  }
  expect(await dbQueries(request)).toBe(before);
});

test("editing a product through the data layer revalidates its tag: the next-but-one request shows it", async ({
  request,
}) => {
  const { rows } = await sql().query(
    `select p.id, u.id as merchant, u.email from products p, users u where p.slug = 'lumen-lamp' and u.role = 'merchant' limit 1`,
  );
  const { id, merchant, email } = rows[0];
  const cookie = (await sessionCookie({ id: merchant, email, name: "Demo Merchant" }, "merchant"))
    .header;
  expect(await (await request.get("/products/lumen-lamp")).text()).toContain("Lumen Desk Lamp");

  const renamed = `Lumen Desk Lamp ${Date.now()}`;
  const patch = await request.patch(`/api/admin/products/${id}`, {
    headers: { cookie },
    data: { name: renamed },
  });
  expect(patch.status()).toBe(200);

  // Stale-while-revalidate: the first request after the edit may still get the cached page…
  await request.get("/products/lumen-lamp");
  // …and triggers the refresh, so the one after it shows the change.
  await expect
    .poll(async () => (await request.get("/products/lumen-lamp")).text(), { timeout: 5_000 })
    .toContain(renamed);

  // Bad input changes nothing; shoppers and strangers are refused.
  expect(
    (
      await request.patch(`/api/admin/products/${id}`, {
        headers: { cookie },
        data: { priceCents: -5 },
      })
    ).status(),
  ).toBe(400);
  expect(
    (
      await request.patch(`/api/admin/products/${id}`, {
        headers: { cookie, "content-type": "application/json" },
        data: "{not json",
      })
    ).status(),
  ).toBe(400);
  // The merchant form's rules hold here too: a slug is unique, an image is an uploaded one.
  const clash = await request.patch(`/api/admin/products/${id}`, {
    headers: { cookie },
    data: { slug: "ember-kettle", name: "Clash" },
  });
  expect(clash.status()).toBe(400);
  expect((await clash.json()).fieldErrors.slug).toMatch(/already used/);
  const noImage = await request.patch(`/api/admin/products/${id}`, {
    headers: { cookie },
    data: { imageId: "0b0c8a5e-6a5e-4f57-9d1c-8b5d6f6f1a11" },
  });
  expect(noImage.status()).toBe(400);
  expect((await noImage.json()).fieldErrors.imageId).toBe("Upload the image again");
  expect((await request.patch(`/api/admin/products/${id}`, { data: { name: "x" } })).status()).toBe(
    401,
  );
  const shopper = (await sessionCookie({ id: merchant, email, name: "x" }, "shopper")).header;
  expect(
    (
      await request.patch(`/api/admin/products/${id}`, {
        headers: { cookie: shopper },
        data: { name: "x" },
      })
    ).status(),
  ).toBe(403);
  const { rows: after } = await sql().query(
    `select name, slug, image_url from products where id = $1`,
    [id],
  );
  expect(after[0]).toMatchObject({ name: renamed, slug: "lumen-lamp" });
  expect(after[0].image_url).not.toContain("0b0c8a5e");
});
