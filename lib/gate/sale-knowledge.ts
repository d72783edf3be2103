import type { InvolvedDelta, SaleCounters } from "./gate";

/**
 * What this process knows about a sale that has nothing left to give, so that presses for it
 * are answered here, without Redis (DESIGN.md "Scale-out"). Learnt from the state script's
 * replies (lib/gate/public-state.ts), each of which carries, read in the same atomic step as the
 * counters, the sale's involved list from where this process last read it: everyone ever given
 * a hold or a place in line (lib/gate/lua/). A shopper on that list may hold a unit, wait in
 * line or have bought one, so their presses still go to the grant script; anyone else is told
 * what everyone is told. The list only grows, and is bounded by the holds and line places the
 * sale ever gave (about stock + line), so each process reads each entry once.
 *
 * A refusal, from the newest observation (by Redis time):
 * - `ended`: the sale is over (for everyone: the grant script says so before anything else).
 *   Kept until an observation says otherwise.
 * - `sold_out`, final: nothing available and nothing held, so every unit is sold. Kept until an
 *   observation says otherwise (a merchant may add stock), re-read in the background at most
 *   every FINAL_RECHECK_MS while presses come, and dropped once the sale's end has passed.
 * - `sold_out`, line full: nothing available, holds outstanding, the line at its cap. A unit
 *   comes back when a hold expires (or is released), so this is kept for LINE_FULL_BOUND_MS at
 *   most, and never past the first outstanding hold's expiry: until then no unit can come back
 *   but by a release.
 * An expired refusal sends the next press to wait for one refresh (single-flight), not to Redis.
 */

export const LINE_FULL_BOUND_MS = 250;
export const FINAL_RECHECK_MS = 1_000;
/** Sales known at most; past it the store starts over (sales are few; this bounds a flood of ids). */
const SALES_MAX = 1_000;

export type Verdict = "ended" | "sold_out" | "expired" | null;

type Knowledge = {
  /** Redis time of the newest observation applied. */
  asOf: number;
  refusal: "ended" | "sold_out" | null;
  /** Local clock (ms): the refusal holds until then; Infinity when final. */
  validUntil: number;
  /** Local clock (ms): when a final refusal is next re-read. */
  recheckAt: number;
  /** The sale's end, on Redis's clock, and Redis's clock minus ours. */
  endsAt: number;
  skewMs: number;
  involved: Set<string>;
  /** How much of the involved list has been read. */
  involvedLen: number;
};

const known = new Map<string, Knowledge>();
export const knowledgeStats = { observations: 0, resets: 0 };

function entry(saleId: string): Knowledge {
  let k = known.get(saleId);
  if (!k) {
    if (known.size >= SALES_MAX) known.clear();
    k = {
      asOf: 0,
      refusal: null,
      validUntil: 0,
      recheckAt: 0,
      endsAt: Infinity,
      skewMs: 0,
      involved: new Set(),
      involvedLen: 0,
    };
    known.set(saleId, k);
  }
  return k;
}

/** Where this process's read of the sale's involved list stands: the offset to ask for next. */
export const involvedOffset = (saleId: string): number => known.get(saleId)?.involvedLen ?? 0;

/** Applies one state reply that carried the involved list (gate.state with an offset). */
export function observe(
  saleId: string,
  st: SaleCounters & Partial<InvolvedDelta>,
  receivedAt = Date.now(),
): void {
  if (st.invLen === undefined || st.invFrom === undefined || st.lineCap === undefined) return;
  knowledgeStats.observations++;
  let k = entry(saleId);
  if (st.invLen < k.involvedLen) {
    // Shorter than what was read: Redis lost the sale's state and it was armed afresh.
    knowledgeStats.resets++;
    known.delete(saleId);
    k = entry(saleId);
  }
  if (st.invFrom <= k.involvedLen) {
    const list = Array.isArray(st.inv) ? st.inv : [];
    for (let i = k.involvedLen - st.invFrom; i < list.length; i++) k.involved.add(String(list[i]));
    k.involvedLen = Math.max(k.involvedLen, st.invFrom + list.length);
  }
  if (st.now < k.asOf) return; // an older reply that arrived late
  k.asOf = st.now;
  k.skewMs = st.now - receivedAt;
  k.endsAt = st.endsAt;
  k.recheckAt = receivedAt + FINAL_RECHECK_MS;
  // A refusal needs the list read up to this very observation.
  const covered = k.involvedLen >= st.invLen;
  k.refusal = null;
  if (st.phase === "ended") {
    k.refusal = "ended";
    k.validUntil = Infinity;
  } else if (st.phase === "live" && st.avail === 0 && covered) {
    if (st.held === 0) {
      k.refusal = "sold_out";
      k.validUntil = Infinity;
    } else if (st.line >= st.lineCap && st.firstExp !== undefined) {
      const bound = Math.min(LINE_FULL_BOUND_MS, st.firstExp - st.now);
      if (bound > 0) {
        k.refusal = "sold_out";
        k.validUntil = receivedAt + bound;
      }
    }
  }
}

/**
 * The refusal this process can answer a press for the sale with now: `ended` or `sold_out`
 * (then check isInvolved), `expired` when one was known but must be refreshed first, or null.
 */
export function verdict(saleId: string, now = Date.now()): Verdict {
  const k = known.get(saleId);
  if (!k || k.refusal === null) return null;
  if (now >= k.validUntil) return "expired";
  if (k.refusal === "sold_out" && now + k.skewMs >= k.endsAt) return "expired"; // over by now
  return k.refusal;
}

/** A final refusal older than FINAL_RECHECK_MS: worth re-reading in the background. */
export function wantsRecheck(saleId: string, now = Date.now()): boolean {
  const k = known.get(saleId);
  return k !== undefined && k.refusal !== null && now >= k.recheckAt;
}

/** Whether the shopper was ever given a hold or a place in line, as far as this process read. */
export const isInvolved = (saleId: string, userId: string): boolean =>
  known.get(saleId)?.involved.has(userId) ?? false;
