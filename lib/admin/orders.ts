import { cleanQuery } from "@/lib/validation/text";

/** Order search on the merchant's orders page: one box for an email or an order id, paginated. */

export const ORDERS_PAGE_SIZE = 25;

export type OrderSearch = { q: string; page: number };

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export function parseOrderSearch(params: {
  q?: string | string[];
  page?: string | string[];
}): OrderSearch {
  // cleanQuery: a NUL in the query would make PostgreSQL throw instead of finding nothing.
  const q = cleanQuery(first(params.q) ?? "")
    .trim()
    .slice(0, 254);
  const raw = first(params.page) ?? "1";
  const page = /^\d{1,6}$/.test(raw) ? Math.max(1, Number(raw)) : 1;
  return { q, page };
}

/** A LIKE pattern that matches `q` literally (%, _ and \ escaped) anywhere, or at the start. */
export function likePattern(q: string, where: "contains" | "prefix"): string {
  const escaped = q.replace(/[\\%_]/g, (c) => `\\${c}`);
  return where === "contains" ? `%${escaped}%` : `${escaped}%`;
}

/** Could this be (the start of) an order id? Order ids are UUIDs. */
export const looksLikeOrderId = (q: string) => /^[0-9a-f-]{4,36}$/i.test(q);

export const pageCount = (total: number, size = ORDERS_PAGE_SIZE) =>
  Math.max(1, Math.ceil(total / size));
