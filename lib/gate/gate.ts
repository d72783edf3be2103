import { createHash } from "node:crypto";
import type { Redis } from "@upstash/redis";
import { redis as defaultRedis } from "@/lib/redis/client";
import { saleKeys } from "@/lib/redis/keys";
import { consumeLua, grantLua, releaseLua } from "./lua/holds";
import { armLua, lineCapFor, stateLua } from "./lua/sale";

/**
 * Typed wrappers around the gate scripts (lib/gate/lua/). Every call is one EVALSHA
 * (EVAL on the first use per Redis), so the hot path is a single round trip.
 */

/** Expired holds one script call may reap: keeps every call O(REAP_LIMIT · log n). */
export const REAP_LIMIT = 25;

type Reply<S extends string, T = object> = { s: S; now: number } & T;

export type GrantReply =
  | Reply<"secured", { hold: string; exp: number; pos: number }>
  | Reply<"in_line", { pos: number }>
  | Reply<"sold_out">
  | Reply<"not_started", { startsAt: number }>
  | Reply<"ended", { endsAt: number }>
  | Reply<"paused">
  | Reply<"already_purchased">
  | Reply<"rate_limited", { retryAfterMs: number }>
  | { s: "not_armed" };

/** Buy Now's per-shopper limit, checked inside the grant script: at most `presses` per `windowMs`. */
export type PressLimit = { presses: number; windowMs: number };

export type ConsumeReply =
  | Reply<"consumed", { sold: number; pos: number; entry: string }>
  | Reply<"already_consumed">
  | Reply<"not_yours">
  | Reply<"no_hold">
  | Reply<"expired">
  | { s: "not_armed" };

export type ReleaseReply =
  Reply<"released"> | Reply<"no_hold"> | Reply<"not_yours"> | { s: "not_armed" };

export type SaleCounters = {
  now: number;
  phase: "not_started" | "live" | "paused" | "ended";
  startsAt: number;
  endsAt: number;
  stock: number;
  limit: number;
  holdMs: number;
  avail: number;
  held: number;
  sold: number;
  line: number;
  grants: number;
};
/** What state() adds when asked for the involved list from an offset (lib/gate/sale-knowledge.ts). */
export type InvolvedDelta = {
  lineCap: number;
  /** The earliest expiry among outstanding holds (Redis ms), when there are any. */
  firstExp?: number;
  invFrom: number;
  invLen: number;
  /** The list from invFrom on (an empty Lua table encodes as `{}`). */
  inv: string[] | Record<string, never>;
};
export type StateReply =
  | ({ s: "ok" } & SaleCounters &
      Partial<InvolvedDelta> & {
        hold?: string;
        exp?: number;
        pos?: number;
        linePos?: number;
        bought?: number;
      })
  | { s: "not_armed" };

export type ArmInput = {
  stock: number;
  startsAt: Date;
  endsAt: Date;
  holdSeconds: number;
  perShopperLimit: number;
  status: "scheduled" | "paused" | "cancelled";
  soldInDb: number;
};
export type ArmReply =
  | { s: "armed"; created: boolean }
  | { s: "invalid"; reason: "sold_exceeds_stock" | "stock_below_committed" };

const keyList = (saleId: string) => {
  const k = saleKeys(saleId);
  return [
    k.meta,
    k.avail,
    k.holds,
    k.holdinfo,
    k.holder,
    k.buyers,
    k.sold,
    k.line,
    k.seq,
    k.consumed,
    k.outbox,
    k.presses,
    k.involved,
  ];
};

/** The order id a purchase gets: derived from the hold, so every retry and every writer agree on it. */
export function orderIdFor(saleId: string, holdId: string): string {
  const h = createHash("sha256").update(`order:${saleId}:${holdId}`).digest("hex");
  // Formatted as a UUID (version nibble 8: custom) so it fits orders.id.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function createGate(r: () => Redis = defaultRedis) {
  const scripts = new WeakMap<Redis, ReturnType<typeof build>>();
  const build = (client: Redis) => ({
    grant: client.createScript<GrantReply>(grantLua),
    consume: client.createScript<ConsumeReply>(consumeLua),
    release: client.createScript<ReleaseReply>(releaseLua),
    state: client.createScript<StateReply>(stateLua),
    arm: client.createScript<ArmReply>(armLua),
  });
  const s = () => {
    const client = r();
    let entry = scripts.get(client);
    if (!entry) scripts.set(client, (entry = build(client)));
    return entry;
  };

  return {
    /** Without `limit`, presses are not limited (tests, the ceiling benchmark's plain grant). */
    grant: (saleId: string, userId: string, limit?: PressLimit) =>
      s().grant.exec(
        keyList(saleId),
        limit
          ? [userId, String(REAP_LIMIT), String(limit.presses), String(limit.windowMs)]
          : [userId, String(REAP_LIMIT)],
      ),
    consume: (saleId: string, userId: string, holdId: string) =>
      s().consume.exec(keyList(saleId), [
        userId,
        holdId,
        String(REAP_LIMIT),
        saleId,
        orderIdFor(saleId, holdId),
      ]),
    release: (saleId: string, userId: string, holdId: string) =>
      s().release.exec(keyList(saleId), [userId, holdId, String(REAP_LIMIT)]),
    /**
     * Public counters, plus the shopper's own hold / place in line when userId is given, plus the
     * involved list from `involvedFrom` on when that is given.
     */
    state: (saleId: string, userId = "", involvedFrom?: number) =>
      s().state.exec(
        keyList(saleId),
        involvedFrom === undefined
          ? [userId, String(REAP_LIMIT)]
          : [userId, String(REAP_LIMIT), String(involvedFrom)],
      ),
    arm: (saleId: string, input: ArmInput) =>
      s().arm.exec(keyList(saleId), [
        String(input.stock),
        String(input.startsAt.getTime()),
        String(input.endsAt.getTime()),
        String(input.holdSeconds * 1000),
        String(input.perShopperLimit),
        input.status,
        String(input.soldInDb),
        // A new epoch per arming keeps hold ids (and so order ids) unique after Redis loses its state.
        `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`,
        String(lineCapFor(input.stock)),
      ]),
  };
}

export type Gate = ReturnType<typeof createGate>;
export const gate = createGate();
