import { eq } from "drizzle-orm";
import { db } from "@/db";
import { sales } from "@/db/schema";
import { redis } from "@/lib/redis/client";
import { keys } from "@/lib/redis/keys";
import { Shed } from "@/lib/resilience/unavailable";
import { gate, type ArmReply } from "./gate";
import { between } from "@/lib/jitter";

/**
 * Arming puts a sale's gate state into Redis from PostgreSQL, the system of record. It is
 * idempotent: called when a merchant saves a sale, and lazily whenever a script finds the
 * sale missing (Redis flushed or restarted without persistence). Units already sold are
 * taken from `sales.sold`, so a rebuilt gate never hands out more than stock.
 */
export async function armSale(saleId: string): Promise<ArmReply | { s: "no_sale" }> {
  const [sale] = await db().select().from(sales).where(eq(sales.id, saleId)).limit(1);
  // PostgreSQL finds a uuid in any letter case, Redis keys are case-sensitive: arming "ABC…" would
  // make a second gate for the same sale, with its own stock and per-shopper limit.
  if (!sale || sale.id !== saleId) return { s: "no_sale" };
  const reply = await gate.arm(saleId, {
    stock: sale.stock,
    startsAt: sale.startsAt,
    endsAt: sale.endsAt,
    holdSeconds: sale.holdSeconds,
    perShopperLimit: sale.perShopperLimit,
    status: sale.status,
    soldInDb: sale.sold,
  });
  if (reply.s === "armed") await redis().sadd(keys.armed(), saleId);
  return reply;
}

const inflight = new Map<string, Promise<unknown>>();
/** Sale ids PostgreSQL did not know, remembered briefly so the same made-up id is asked once. */
const unknown = new Map<string, number>();
const UNKNOWN_MS = 10_000;

/**
 * PostgreSQL lookups for sales Redis does not hold, per process: a bucket of BURST refilled at
 * PER_SECOND. A fresh made-up UUID each time defeats the cache above, and GET /api/sales/{id}
 * needs no session, so without a cap every such request was a PostgreSQL query. Past it the
 * lookup is shed (503 + Retry-After); real sales are in Redis and never get here, except after
 * Redis lost its data, when each needs one lookup (per cluster: arming is shared).
 */
export const ARM_LOOKUPS = { PER_SECOND: 20, BURST: 100 } as const;
const lookups = { tokens: ARM_LOOKUPS.BURST as number, at: Date.now() };
function takeLookup(): boolean {
  const now = Date.now();
  lookups.tokens = Math.min(
    ARM_LOOKUPS.BURST,
    lookups.tokens + ((now - lookups.at) / 1000) * ARM_LOOKUPS.PER_SECOND,
  );
  lookups.at = now;
  if (lookups.tokens < 1) return false;
  lookups.tokens -= 1;
  return true;
}

/** Re-arms a sale once per process however many requests find it missing at the same moment. */
export function rearm(saleId: string): Promise<unknown> {
  const until = unknown.get(saleId);
  if (until && until > Date.now()) return Promise.resolve({ s: "no_sale" });
  let p = inflight.get(saleId);
  if (!p) {
    if (!takeLookup()) return Promise.reject(new Shed("sale-lookups", between(500, 1_500)));
    p = armSale(saleId)
      .then((r) => {
        if (r.s === "no_sale") {
          if (unknown.size > 10_000) unknown.clear();
          unknown.set(saleId, Date.now() + UNKNOWN_MS);
        }
        return r;
      })
      .finally(() => inflight.delete(saleId));
    inflight.set(saleId, p);
  }
  return p;
}

/** Runs a gate call, re-arming from PostgreSQL and trying once more if the sale is not in Redis. */
export function withArming<T extends { s: string }>(
  saleId: string,
  call: () => Promise<T>,
): Promise<T> {
  // A promise chain, not an async function: every Buy Now passes through here.
  return call().then((first) => (first.s !== "not_armed" ? first : rearm(saleId).then(call)));
}
