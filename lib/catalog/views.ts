import type { SaleWithProduct } from "@/db/queries";
import type { Product, Sale } from "@/db/schema";

/**
 * What the storefront renders: plain JSON (dates as ISO strings), so a view survives the data
 * cache's serialization unchanged and never carries a field the page does not need.
 */

export type ProductView = Pick<
  Product,
  "id" | "slug" | "name" | "description" | "priceCents" | "imageUrl"
>;
export type SaleView = {
  id: string;
  productId: string;
  startsAt: string;
  endsAt: string;
  stock: number;
  perShopperLimit: number;
  holdSeconds: number;
  status: Sale["status"];
};
export type StorefrontSale = SaleView & {
  product: Pick<Product, "slug" | "name" | "imageUrl" | "priceCents">;
};

export const productView = (p: Product): ProductView => ({
  id: p.id,
  slug: p.slug,
  name: p.name,
  description: p.description,
  priceCents: p.priceCents,
  imageUrl: p.imageUrl,
});

export const saleView = (s: Sale): SaleView => ({
  id: s.id,
  productId: s.productId,
  startsAt: s.startsAt.toISOString(),
  endsAt: s.endsAt.toISOString(),
  stock: s.stock,
  perShopperLimit: s.perShopperLimit,
  holdSeconds: s.holdSeconds,
  status: s.status,
});

export const storefrontSale = (s: SaleWithProduct): StorefrontSale => ({
  ...saleView(s),
  product: {
    slug: s.product.slug,
    name: s.product.name,
    imageUrl: s.product.imageUrl,
    priceCents: s.product.priceCents,
  },
});

export type SalePhase = "upcoming" | "live" | "ended" | "paused" | "cancelled";

/** Where a sale stands at `now` (the merchant's status first, then the clock). */
export function salePhase(
  s: Pick<SaleView, "startsAt" | "endsAt" | "status">,
  now: number,
): SalePhase {
  if (s.status === "cancelled") return "cancelled";
  if (now >= Date.parse(s.endsAt)) return "ended";
  if (s.status === "paused") return "paused";
  return now >= Date.parse(s.startsAt) ? "live" : "upcoming";
}

type Timed = Pick<SaleView, "startsAt" | "endsAt" | "status">;

/** 0: live, 1: paused inside its window, 2: anything else. */
const runningRank = (s: Timed, now: number) => {
  const p = salePhase(s, now);
  return p === "live" ? 0 : p === "paused" && Date.parse(s.startsAt) <= now ? 1 : 2;
};

/**
 * The sale a product page features: the live one, else one paused mid-drop, else the next one
 * (a paused sale that has not started counts as next), else the latest that ended.
 */
export function featuredSale<T extends Timed>(list: T[], now = Date.now()): T | undefined {
  const open = list.filter((s) => s.status !== "cancelled");
  const running = open
    .filter((s) => runningRank(s, now) < 2)
    .sort((a, b) => runningRank(a, now) - runningRank(b, now))[0];
  if (running) return running;
  const next = open
    .filter((s) => Date.parse(s.startsAt) > now)
    .sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt))[0];
  return next ?? open.sort((a, b) => Date.parse(b.endsAt) - Date.parse(a.endsAt))[0];
}

/** One sale per product (the one its page features), running drops first, then by start. */
export function featuredSales<T extends Timed & { product: { slug: string } }>(
  list: T[],
  now = Date.now(),
): T[] {
  const byProduct = new Map<string, T[]>();
  for (const s of list)
    byProduct.set(s.product.slug, [...(byProduct.get(s.product.slug) ?? []), s]);
  return [...byProduct.values()]
    .flatMap((group) => featuredSale(group, now) ?? [])
    .sort(
      (a, b) =>
        runningRank(a, now) - runningRank(b, now) ||
        Date.parse(a.startsAt) - Date.parse(b.startsAt),
    );
}

export const formatPrice = (cents: number) =>
  new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(cents / 100);
