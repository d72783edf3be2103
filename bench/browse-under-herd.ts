import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import pg from "pg";
import { browse, herd, pool, runLoop, type BrowseTargets, type Sample } from "./browse/loops";
import { figures, medianFigures, statusCounts, table, type Figures } from "./browse/report";
import { createShoppers, mintCookies, scheduleShopSale } from "./herd/setup";

/**
 * Does browsing stay fast while a Buy Now herd hammers the sale? Against a running shop:
 * browse (home, product pages, search) for `--seconds` alone, then again while a herd of
 * synthetic shoppers (real users rows, session cookies minted with the shop's AUTH_SECRET)
 * hammers Buy Now and the sale state endpoints; `--runs` times, then the medians side by side.
 *
 *   npm run bench:browse -- http://127.0.0.1:3600 --database-url postgres://…/stampede_browse
 */

const USAGE = `usage: npm run bench:browse -- <base-url> [--seconds 20] [--runs 3] [--browsers 4]
       [--shoppers 2000] [--connections 128] [--database-url URL] [--secrets .data/secrets.json]
  --database-url  the shop's PostgreSQL (default DATABASE_URL): shoppers and a sale are added to it
  --secrets       where the shop's AUTH_SECRET is (default .data/secrets.json, as npm start writes it;
                  AUTH_SECRET in the environment wins)`;

function fail(message: string): never {
  console.error(`bench:browse: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function options() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      seconds: { type: "string", default: "20" },
      runs: { type: "string", default: "3" },
      browsers: { type: "string", default: "4" },
      shoppers: { type: "string", default: "2000" },
      connections: { type: "string", default: "128" },
      "database-url": { type: "string", default: process.env.DATABASE_URL },
      secrets: { type: "string", default: ".data/secrets.json" },
    },
  });
  const base = positionals[0];
  if (!base || !/^https?:\/\/[^/]+\/?$/.test(base))
    fail(`give the shop's base URL, like http://127.0.0.1:3600 (got ${base ?? "nothing"})`);
  const int = (name: keyof typeof values, min: number, max: number) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min || n > max)
      fail(`--${name} must be a whole number from ${min} to ${max} (got ${values[name]})`);
    return n;
  };
  const databaseUrl = values["database-url"];
  if (!databaseUrl || !/^postgres(ql)?:\/\//.test(databaseUrl))
    fail("give the shop's PostgreSQL with --database-url postgres://… (or DATABASE_URL)");
  let authSecret = process.env.AUTH_SECRET;
  if (!authSecret) {
    try {
      authSecret = (JSON.parse(readFileSync(values.secrets!, "utf8")) as { AUTH_SECRET?: string })
        .AUTH_SECRET;
    } catch (error) {
      fail(`cannot read AUTH_SECRET from ${values.secrets}: ${(error as Error).message}`);
    }
    if (!authSecret) fail(`${values.secrets} has no AUTH_SECRET`);
  }
  return {
    origin: base.replace(/\/$/, ""),
    seconds: int("seconds", 1, 600),
    runs: int("runs", 1, 20),
    browsers: int("browsers", 1, 256),
    shoppers: int("shoppers", 1, 200_000),
    connections: int("connections", 1, 4_096),
    databaseUrl,
    authSecret,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = (ms: number) => {
  const end = Date.now() + ms;
  return () => Date.now() >= end;
};

async function main() {
  const o = options();
  const health = await fetch(`${o.origin}/api/health`).catch((e: Error) =>
    fail(`no shop answers at ${o.origin} (${e.message})`),
  );
  if (health.status !== 200) fail(`${o.origin}/api/health answered ${health.status}`);

  const db = new pg.Pool({ connectionString: o.databaseUrl, max: 2 });
  const products = await db.query<{ slug: string; name: string }>(
    "select slug, name from products where status = 'active' and slug not like 'herd-%'",
  );
  const targets: BrowseTargets = {
    slugs: products.rows.map((p) => p.slug),
    terms: [...new Set(products.rows.map((p) => p.name.split(/\s+/)[0]!.toLowerCase()))],
  };
  if (targets.slugs.length === 0) fail("the database has no active products (seed it first)");
  const shoppers = await createShoppers(db, o.shoppers);
  const cookies = await mintCookies(shoppers, o.authSecret);
  const now = Date.now();
  const saleId = await scheduleShopSale(db, {
    stock: Math.ceil(o.shoppers / 2),
    startsAt: new Date(now - 1_000),
    endsAt: new Date(now + 2 * 3_600_000),
    holdSeconds: 1_800,
  });
  await db.end();

  // Talking to the right shop, with the right secret? (A port in use may be someone else's.)
  const state = await fetch(`${o.origin}/api/sales/${saleId}`);
  if (state.status !== 200)
    fail(`the shop at ${o.origin} does not see the sale just added: is it on this database?`);
  const probe = await fetch(`${o.origin}/api/sales/${saleId}/me`, {
    headers: { cookie: cookies[0]! },
  });
  if (probe.status === 401) fail("the shop refused the minted session: wrong AUTH_SECRET?");

  const pages = pool(o.origin, o.browsers);
  const sale = pool(o.origin, o.connections);
  // Every page once, so first renders are not measured.
  const warm = ["/", ...targets.slugs.map((s) => `/products/${s}`)];
  for (const t of targets.terms) warm.push(`/search?q=${encodeURIComponent(t)}`);
  for (const path of warm) await (await pages.request({ path, method: "GET" })).body.dump();

  console.log(
    `${o.origin}: ${targets.slugs.length} products, ${targets.terms.length} search terms; ` +
      `herd of ${o.shoppers} shoppers on ${o.connections} connections; ` +
      `${o.browsers} browsers; ${o.runs} runs of ${o.seconds} s + ${o.seconds} s`,
  );
  const kinds = ["home", "product", "search", "all"] as const;
  const runs: { alone: Record<string, Figures>; under: Record<string, Figures>; herd: Figures }[] =
    [];
  const byKind = (samples: Sample[]) =>
    Object.fromEntries(
      kinds.map((k) => [
        k,
        figures(k === "all" ? samples : samples.filter((s) => s.kind === k), o.seconds),
      ]),
    );
  let lastHerd: Sample[] = [];
  for (let r = 1; r <= o.runs; r++) {
    const alone = await runLoop(o.browsers, browse(pages, targets), until(o.seconds * 1_000));
    let herdDone = false;
    const herdStarted = performance.now();
    const herding = runLoop(o.connections, herd(sale, saleId, cookies), () => herdDone);
    await sleep(2_000); // let the herd reach full speed
    const under = await runLoop(o.browsers, browse(pages, targets), until(o.seconds * 1_000));
    herdDone = true;
    lastHerd = await herding;
    const herdFigures = figures(lastHerd, (performance.now() - herdStarted) / 1_000);
    runs.push({ alone: byKind(alone), under: byKind(under), herd: herdFigures });
    const a = runs.at(-1)!.alone.all!;
    const u = runs.at(-1)!.under.all!;
    console.log(
      `run ${r}: browsing alone p50 ${a.p50.toFixed(1)} ms, p99 ${a.p99.toFixed(1)} ms, ` +
        `${a.rps.toFixed(0)} req/s | under herd p50 ${u.p50.toFixed(1)} ms, p99 ${u.p99.toFixed(1)} ms, ` +
        `${u.rps.toFixed(0)} req/s | herd ${herdFigures.rps.toFixed(0)} req/s, ` +
        `p50 ${herdFigures.p50.toFixed(1)} ms, p99 ${herdFigures.p99.toFixed(1)} ms`,
    );
    await sleep(2_000);
  }
  await Promise.all([pages.close(), sale.close()]);

  const med = (pick: (run: (typeof runs)[number]) => Figures) => medianFigures(runs.map(pick));
  const rows = kinds.map((k) => ({
    label: k === "all" ? "all pages" : k,
    alone: med((run) => run.alone[k]!),
    herd: med((run) => run.under[k]!),
  }));
  const h = med((run) => run.herd);
  const all = rows.at(-1)!;
  console.log(`\nMedians of ${o.runs} runs:\n\n${table(rows)}\n`);
  console.log(
    `Browsing throughput: ${all.alone.rps.toFixed(0)} req/s alone, ${all.herd.rps.toFixed(0)} req/s under the herd.`,
  );
  console.log(
    `Herd: ${h.rps.toFixed(0)} req/s, p50 ${h.p50.toFixed(1)} ms, p99 ${h.p99.toFixed(1)} ms; ` +
      `answers in the last run: ${statusCounts(lastHerd)}.`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
