import { createHash } from "node:crypto";
import type { PublicSaleState } from "@/lib/contract/sale-api";
import { withArming } from "./arm";
import { gate, type SaleCounters } from "./gate";
import { involvedOffset, observe } from "./sale-knowledge";

/**
 * The public state of a sale, micro-cached per instance: however many shoppers poll, one
 * Redis call per sale per MICRO_TTL_MS (single-flight: concurrent callers share one fetch).
 * Each load also brings what lets this process answer presses itself (./sale-knowledge.ts).
 */

export type { PublicSaleState };

export const MICRO_TTL_MS = 200;

type Entry = { state: PublicSaleState | null; etag: string; at: number };
const cache = new Map<string, Entry>();
const inflight = new Map<string, Promise<Entry>>();
export const publicStateStats = { hits: 0, loads: 0, coalesced: 0 };

function publicStatus(
  c: Pick<SaleCounters, "phase" | "avail" | "held">,
): PublicSaleState["status"] {
  if (c.phase === "not_started") return "upcoming";
  if (c.phase === "live" && c.avail === 0 && c.held === 0) return "sold_out";
  return c.phase;
}

function toPublicState(id: string, c: SaleCounters): PublicSaleState {
  return {
    id,
    status: publicStatus(c),
    startsAt: new Date(c.startsAt).toISOString(),
    endsAt: new Date(c.endsAt).toISOString(),
    stock: c.stock,
    available: c.avail,
    held: c.held,
    sold: c.sold,
    inLine: c.line,
    serverTime: c.now,
  };
}

/** Weak: the body's serverTime moves on while everything a shopper sees stays the same. */
const etagOf = (s: PublicSaleState | null) => {
  const { serverTime: _t, ...rest } = s ?? ({ serverTime: 0 } as PublicSaleState);
  return `W/"${createHash("sha1").update(JSON.stringify(rest)).digest("base64url").slice(0, 16)}"`;
};

async function load(saleId: string): Promise<Entry> {
  publicStateStats.loads++;
  const reply = await withArming(saleId, () => gate.state(saleId, "", involvedOffset(saleId)));
  if (reply.s === "ok") observe(saleId, reply);
  const state = reply.s === "ok" ? toPublicState(saleId, reply) : null;
  const entry = { state, etag: etagOf(state), at: Date.now() };
  if (cache.size > 5_000) cache.clear();
  cache.set(saleId, entry);
  return entry;
}

/** null state: no such sale. */
export async function getPublicState(saleId: string): Promise<Entry> {
  const hit = cache.get(saleId);
  if (hit && Date.now() - hit.at < MICRO_TTL_MS) {
    publicStateStats.hits++;
    return hit;
  }
  return refreshPublicState(saleId);
}

/** A fresh load, or the one already on its way (single-flight), whatever the cache holds. */
export function refreshPublicState(saleId: string): Promise<Entry> {
  const running = inflight.get(saleId);
  if (running) {
    publicStateStats.coalesced++;
    return running;
  }
  const p = load(saleId).finally(() => inflight.delete(saleId));
  inflight.set(saleId, p);
  return p;
}
