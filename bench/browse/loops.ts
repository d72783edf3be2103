import { Pool } from "undici";

/**
 * The two closed loops of the browse-under-herd benchmark, each on its own keep-alive pool:
 * `browse` (a few shoppers reading pages one after another) and `herd` (many synthetic shoppers
 * on the sale endpoints). A loop has a fixed number of workers, each waiting for its answer
 * before sending the next request, so the load is bounded: never more in flight than workers.
 */

export type Sample = { kind: string; ms: number; status: number };

const TIMEOUT_MS = 10_000;
const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;

export const pool = (origin: string, connections: number) =>
  new Pool(origin, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    headersTimeout: TIMEOUT_MS,
    bodyTimeout: TIMEOUT_MS,
    connect: { timeout: TIMEOUT_MS },
  });

/** One request, timed from sending to the last byte of the body; status 0 when none came back. */
async function timed(
  p: Pool,
  kind: string,
  path: string,
  method: "GET" | "POST" = "GET",
  cookie?: string,
): Promise<Sample> {
  const started = performance.now();
  try {
    const res = await p.request({ path, method, headers: cookie ? { cookie } : {} });
    await res.body.arrayBuffer();
    return { kind, ms: performance.now() - started, status: res.statusCode };
  } catch {
    return { kind, ms: performance.now() - started, status: 0 };
  }
}

export type BrowseTargets = { slugs: readonly string[]; terms: readonly string[] };

/** What a browsing shopper asks for: the home page, a product page, or a search. */
export function browseRequest(t: BrowseTargets): { kind: string; path: string } {
  const r = Math.random();
  if (r < 0.2) return { kind: "home", path: "/" };
  if (r < 0.8) return { kind: "product", path: `/products/${pick(t.slugs)}` };
  return { kind: "search", path: `/search?q=${encodeURIComponent(pick(t.terms))}` };
}

/** Runs `workers` loops until `stop()`; returns every sample. */
export async function runLoop(
  workers: number,
  next: () => Promise<Sample>,
  stop: () => boolean,
): Promise<Sample[]> {
  const samples: Sample[] = [];
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (!stop()) samples.push(await next());
    }),
  );
  return samples;
}

export const browse = (p: Pool, t: BrowseTargets) => () => {
  const { kind, path } = browseRequest(t);
  return timed(p, kind, path);
};

/** A herd shopper's request: Buy Now (half), the sale's live state, or their own state. */
export const herd = (p: Pool, saleId: string, cookies: readonly string[]) => () => {
  const r = Math.random();
  const cookie = pick(cookies);
  if (r < 0.5) return timed(p, "buy", `/api/sales/${saleId}/token`, "POST", cookie);
  if (r < 0.85) return timed(p, "state", `/api/sales/${saleId}`);
  return timed(p, "me", `/api/sales/${saleId}/me`, "GET", cookie);
};
