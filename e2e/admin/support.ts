import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { deflateSync } from "node:zlib";
import { expect, type Page } from "@playwright/test";
import pg from "pg";
import { databaseUrl } from "../support/env";

/** Helpers for e2e/admin.spec.ts: the e2e database, sign-in, a PNG, and the admin surface. */

export async function sql<T = Record<string, unknown>>(text: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: databaseUrl() });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** A fingerprint of every catalog, sale, image and order row: equal means nothing changed. */
export async function catalogFingerprint(): Promise<Record<string, string>> {
  const [row] = await sql<Record<string, string>>(`select
    (select count(*) || ':' || md5(coalesce(string_agg(p::text, '|' order by p.id), '')) from products p) as products,
    (select count(*) || ':' || md5(coalesce(string_agg(s::text, '|' order by s.id), '')) from sales s) as sales,
    (select count(*) || ':' || md5(coalesce(string_agg(i.id::text || i.content_type || length(i.data), '|' order by i.id), '')) from images i) as images,
    (select count(*) || ':' || md5(coalesce(string_agg(o::text, '|' order by o.id), '')) from orders o) as orders`);
  return row!;
}

export async function signIn(page: Page, email: string, password: string, to = "/") {
  await page.goto(`/sign-in?callbackUrl=${encodeURIComponent(to)}`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => u.pathname === to);
}

export async function signUp(page: Page, name: string, email: string, password: string) {
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL((u) => u.pathname === "/");
}

// ---- A real PNG, made here: a 96×96 gradient (so screenshots show an actual picture) ----

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (b: Buffer) => {
  let c = 0xffffffff;
  for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type: string, data: Buffer) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
};

export function gradientPng(size = 96): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows: number[] = [];
  for (let y = 0; y < size; y++) {
    rows.push(0); // filter: none
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x - size * 0.5, y - size * 0.42) / size;
      const glow = Math.max(0, 1 - d * 2.6);
      rows.push(
        Math.round(91 + (255 - 91) * (x / size) * 0.8 + glow * 60) & 255,
        Math.round(61 + 60 * (y / size) + glow * 150) & 255,
        Math.round(245 - 100 * (x / size) + glow * 10) & 255,
      );
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(Buffer.from(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

// ---- The admin surface, found from the source and the build (so a new one cannot be missed) ----

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}
const rel = (f: string) => path.relative(process.cwd(), f).split(path.sep).join("/");

/** "app/admin/sales/[id]/edit/page" → "/admin/sales/<saleId>/edit" (route groups dropped). */
export function urlFor(routeFile: string, ids: { product: string; sale: string }): string {
  const segs = routeFile
    .replace(/^app\//, "")
    .replace(/\/(page|route)(\.tsx?)?$/, "")
    .split("/")
    .filter((s) => !/^\(.*\)$/.test(s));
  return (
    "/" +
    segs
      .map((s, i) => {
        if (!/^\[.+\]$/.test(s)) return s;
        const owner = segs[i - 1];
        if (owner === "products") return ids.product;
        if (owner === "sales") return ids.sale;
        throw new Error(`no id to put in ${routeFile} (${s} after ${owner})`);
      })
      .join("/")
  );
}

export const adminPages = () =>
  walk("app/admin")
    .map(rel)
    .filter((f) => /\/page\.tsx?$/.test(f));

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

/** Every route handler file under app/api/admin and the HTTP methods it exports. */
export function adminRoutes(): { file: string; methods: string[] }[] {
  return walk("app/api/admin")
    .map(rel)
    .filter((f) => /\/route\.tsx?$/.test(f))
    .map((file) => {
      const src = readFileSync(file, "utf8");
      const methods = METHODS.filter((m) =>
        new RegExp(`export\\s+(async\\s+function|function|const|let)\\s+${m}\\b`).test(src),
      );
      return { file, methods: [...methods] };
    });
}

/** Exported server actions declared in "use server" files under app/admin (from the source). */
export function adminActionsInSource(): { file: string; name: string }[] {
  return walk("app/admin")
    .map(rel)
    .filter((f) => /\.tsx?$/.test(f))
    .flatMap((file) => {
      const src = readFileSync(file, "utf8");
      if (!/^\s*["']use server["']/.test(src)) return [];
      return [...src.matchAll(/export\s+async\s+function\s+(\w+)/g)].map((m) => ({
        file,
        name: m[1]!,
      }));
    });
}

type ManifestEntry = { workers: Record<string, unknown>; filename?: string; exportedName?: string };

/** Server actions of the build whose module lives under app/admin, with a page that loads them. */
export function adminActionsInBuild(): { id: string; file: string; name: string; page: string }[] {
  const distDir = process.env.NEXT_DIST_DIR ?? ".next";
  const manifest = JSON.parse(
    readFileSync(path.join(distDir, "server", "server-reference-manifest.json"), "utf8"),
  ) as { node: Record<string, ManifestEntry> };
  return Object.entries(manifest.node)
    .filter(([, e]) => (e.filename ?? "").startsWith("app/admin/"))
    .map(([id, e]) => {
      const page = Object.keys(e.workers).find((w) => w.startsWith("app/admin"));
      expect(page, `a page that loads ${e.filename}#${e.exportedName}`).toBeTruthy();
      return { id, file: e.filename!, name: e.exportedName ?? "?", page: page! };
    });
}
