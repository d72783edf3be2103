import { hostname } from "node:os";
import type { Redis } from "@upstash/redis";
import { log } from "@/lib/log";
import { redis as defaultRedis, replicated } from "@/lib/redis/client";
import { keys, saleKeys } from "@/lib/redis/keys";
import { OversellRefused, writeOrder, type PurchaseEvent } from "./write-order";
import { around } from "@/lib/jitter";
import type { ReceiptSender } from "@/lib/receipts/sender";

/**
 * The outbox worker: reads every armed sale's purchase stream through a consumer group and
 * writes each purchase to PostgreSQL exactly once (writeOrder is idempotent), then acks it.
 * - its own unacked entries are retried first; entries a crashed worker left are taken over
 *   with XAUTOCLAIM once idle for `claimIdleMs`;
 * - a transient failure (PostgreSQL unreachable) stops the pass and leaves entries pending;
 * - an entry PostgreSQL refuses (bad data, oversell) is retried `maxAttempts` times, then
 *   moved to the dead-letter stream with the reason.
 */

export const GROUP = "orders";
/** Longer than any hold, so a checkout on a last-minute hold still lands before retiring. */
const RETIRE_AFTER_MS = 30 * 60_000;

export type OutboxOptions = {
  consumer?: string;
  batch?: number;
  maxAttempts?: number;
  claimIdleMs?: number;
  redis?: () => Redis;
  /** Whether a shard's acknowledged writes are on its replicas (default: the process client's). */
  replicated?: (key: string) => Promise<boolean>;
  /** Receipt emails, sent after each pass of order writes in the same loop (lib/receipts). */
  receipts?: ReceiptSender | null;
};

export type PassResult = {
  written: number;
  existing: number;
  deadLettered: number;
  retried: number;
  transientFailure: boolean;
  /** Sales whose stream failed with a Redis error this pass (the others were still drained). */
  failedSales: number;
};

/** fields is null for an entry deleted after delivery (checkout wrote it itself): just ack it. */
type Entry = { id: string; fields: Record<string, string> | null };

/** XREADGROUP / XAUTOCLAIM entries as `{ id, fields }`, whatever the client deserialized. */
function parseEntries(raw: unknown): Entry[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((e): Entry[] => {
    if (!Array.isArray(e) || e.length < 1) return [];
    if (!Array.isArray(e[1])) return [{ id: String(e[0]), fields: null }];
    const list = e[1] as unknown[];
    const fields: Record<string, string> = {};
    for (let i = 0; i + 1 < list.length; i += 2) fields[String(list[i])] = String(list[i + 1]);
    return [{ id: String(e[0]), fields }];
  });
}

/** A failure that will not go away by retrying soon: data PostgreSQL refuses. */
export function isPoison(error: unknown): boolean {
  for (
    let e = error as { code?: unknown; cause?: unknown; message?: unknown } | undefined, depth = 0;
    e && depth < 5;
    e = e.cause as typeof e, depth++
  ) {
    if (e instanceof OversellRefused) return true;
    if (typeof e.code === "string" && /^(22|23)/.test(e.code)) return true;
    if (typeof e.message === "string" && e.message.includes("does not exist")) return true;
  }
  return false;
}

/** The innermost cause's message: drizzle wraps the driver's error in a long "Failed query" one. */
function rootMessage(error: unknown): string {
  let e = error as { cause?: unknown; message?: unknown } | undefined;
  for (let depth = 0; e?.cause && depth < 5; depth++) e = e.cause as typeof e;
  return String(e?.message ?? error).slice(0, 500);
}

function toEvent(f: Record<string, string>): PurchaseEvent | null {
  const { sale, hold, user, order } = f;
  return sale && hold && user && order
    ? { saleId: sale, holdId: hold, userId: user, orderId: order }
    : null;
}

export function createOutboxWorker(options: OutboxOptions = {}) {
  const consumer = options.consumer ?? `${hostname()}-${process.pid}`;
  const batch = options.batch ?? 200;
  const maxAttempts = options.maxAttempts ?? 5;
  const claimIdleMs = options.claimIdleMs ?? 30_000;
  const r = options.redis ?? defaultRedis;
  const durable = options.replicated ?? replicated;
  const groups = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  const receipts = options.receipts ?? null;
  let receiptError: string | undefined;

  async function ensureGroup(stream: string) {
    if (groups.has(stream)) return;
    try {
      await r().xgroup(stream, {
        type: "CREATE",
        group: GROUP,
        id: "0",
        options: { MKSTREAM: true },
      });
    } catch (error) {
      if (!String(error).includes("BUSYGROUP")) throw error;
    }
    groups.add(stream);
  }

  async function read(stream: string): Promise<Entry[]> {
    try {
      return await readGroup(stream);
    } catch (error) {
      // The stream or its group is gone (Redis restarted without persistence, or the sale's
      // keys were removed): forget that we made it, make it again, and read once more.
      if (!String(error).includes("NOGROUP")) throw error;
      groups.delete(stream);
      await ensureGroup(stream);
      return readGroup(stream);
    }
  }

  async function readGroup(stream: string): Promise<Entry[]> {
    const own = await r().xreadgroup(GROUP, consumer, stream, "0", { count: batch });
    const claimed = (await r().xautoclaim(stream, GROUP, consumer, claimIdleMs, "0-0", {
      count: batch,
    })) as unknown[];
    const fresh = await r().xreadgroup(GROUP, consumer, stream, ">", { count: batch });
    const streamEntries = (reply: unknown) =>
      Array.isArray(reply) && Array.isArray(reply[0]) ? reply[0][1] : [];
    const seen = new Set<string>();
    return [
      ...parseEntries(streamEntries(own)),
      ...parseEntries(claimed?.[1]),
      ...parseEntries(streamEntries(fresh)),
    ].filter((e) => !seen.has(e.id) && seen.add(e.id));
  }

  async function settle(stream: string, attemptsKey: string, id: string) {
    const p = r().pipeline();
    p.xack(stream, GROUP, id);
    p.xdel(stream, id);
    p.hdel(attemptsKey, id);
    await p.exec();
  }

  async function drainSale(saleId: string, result: PassResult) {
    const k = saleKeys(saleId);
    await ensureGroup(k.outbox);
    const entries = await read(k.outbox);
    // An order is written only for a purchase a shard failover cannot take back; else next pass.
    if (entries.length > 0 && !(await durable(k.outbox))) {
      result.transientFailure = true;
      return;
    }
    for (const entry of entries) {
      if (!entry.fields) {
        await settle(k.outbox, k.outboxAttempts, entry.id);
        continue;
      }
      const event = toEvent(entry.fields);
      try {
        if (!event) throw Object.assign(new Error("malformed outbox entry"), { code: "22000" });
        const outcome = await writeOrder(event);
        result[outcome === "created" ? "written" : "existing"]++;
        await settle(k.outbox, k.outboxAttempts, entry.id);
      } catch (error) {
        if (!isPoison(error)) {
          log.warn(
            { err: error, saleId, entry: entry.id },
            "outbox: PostgreSQL unavailable, will retry",
          );
          result.transientFailure = true;
          return;
        }
        const attempts = await r().hincrby(k.outboxAttempts, entry.id, 1);
        if (attempts < maxAttempts) {
          result.retried++;
          continue;
        }
        await r().xadd(keys.outboxDead(), "*", {
          ...entry.fields,
          stream: k.outbox,
          entry: entry.id,
          reason: rootMessage(error),
        });
        await settle(k.outbox, k.outboxAttempts, entry.id);
        result.deadLettered++;
        log.error({ err: error, saleId, entry: entry.id }, "outbox: entry dead-lettered");
      }
    }
  }

  /** One pass over every armed sale. */
  let passes = 0;

  /**
   * Sales long over with nothing left in their outbox leave the armed set, so the worker's
   * per-pass cost follows the sales that can still sell, not every sale ever held.
   */
  async function retireFinished(sales: string[]) {
    const now = Date.now();
    for (const saleId of sales) {
      const k = saleKeys(saleId);
      const [endsAt, pending] = await Promise.all([r().hget(k.meta, "endsAt"), r().xlen(k.outbox)]);
      const over = endsAt === null || Number(endsAt) + RETIRE_AFTER_MS < now;
      if (over && Number(pending) === 0) await r().srem(keys.armed(), saleId);
    }
  }

  async function runOnce(): Promise<PassResult> {
    const result: PassResult = {
      written: 0,
      existing: 0,
      deadLettered: 0,
      retried: 0,
      transientFailure: false,
      failedSales: 0,
    };
    const sales = ((await r().smembers(keys.armed())) as unknown[]).map(String);
    for (const saleId of sales) {
      try {
        await drainSale(saleId, result);
      } catch (error) {
        // One sale's stream failing (a Redis error on its keys) must not stall every other
        // sale's orders behind it: note it, and go on to the next.
        log.warn({ err: error, saleId }, "outbox: sale pass failed");
        result.failedSales++;
        continue;
      }
      if (result.transientFailure) break;
    }
    if (++passes % 40 === 0) await retireFinished(sales);
    return result;
  }

  return {
    consumer,
    runOnce,
    /** Polls every `intervalMs` (longer after a failure) until stopped. */
    start(intervalMs = 250) {
      if (timer || running) return;
      running = true;
      const loop = async () => {
        let delay = intervalMs;
        try {
          const res = await runOnce();
          if (res.transientFailure || res.failedSales > 0) delay = Math.min(intervalMs * 8, 5_000);
        } catch (error) {
          log.warn({ err: error }, "outbox: pass failed");
          delay = Math.min(intervalMs * 8, 5_000);
        }
        if (receipts && running) {
          const sent = await receipts.runIfDue().catch((error: unknown) => ({
            more: false,
            error: String(error),
          }));
          if (sent.error) {
            // Said once per outage, not once per pass.
            if (sent.error !== receiptError)
              log.error({ reason: sent.error }, "receipts: cannot send");
            delay = Math.max(delay, Math.min(intervalMs * 8, 5_000));
          } else if (sent.more) delay = 0;
          receiptError = sent.error;
        }
        if (running) timer = setTimeout(loop, around(delay, 0.25));
      };
      timer = setTimeout(loop, 0);
    },
    stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
      void receipts?.close();
    },
  };
}

/** Orders in PostgreSQL per sale against units sold in Redis: equal once the outbox has caught up. */
export async function pendingOutbox(
  saleId: string,
  r: () => Redis = defaultRedis,
): Promise<number> {
  return Number(await r().xlen(saleKeys(saleId).outbox));
}
