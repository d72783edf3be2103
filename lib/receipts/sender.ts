import { Pool, type PoolClient } from "pg";
import { env } from "@/lib/env";
import { around } from "@/lib/jitter";
import { log } from "@/lib/log";
import { composeReceipt } from "./compose";
import { FinalDot } from "./final-dot";
import {
  SmtpLane,
  describeFailure,
  isRefusal,
  isSettingsError,
  type SmtpFailure,
} from "./smtp-lane";
import { smtpSettings, type SmtpSettings } from "./smtp-settings";
import { recordFailure, takeOne } from "./store";

/**
 * Sends each order's receipt exactly once, from the outbox worker's loop.
 *
 * Per receipt, on one PostgreSQL connection and one SMTP connection (a lane):
 *   BEGIN; lock one pending receipt (SKIP LOCKED) and set it `sent` — uncommitted;
 *   MAIL FROM, RCPT TO, DATA, the whole message — all but the final ".";
 *   write COMMIT to PostgreSQL, then end the message: the "." follows in the same turn of the
 *   event loop (./final-dot.ts); then wait for both answers.
 * The row lock is the claim. A worker killed before its COMMIT leaves the server a message
 * without its final ".", which an SMTP server discards, and leaves PostgreSQL a transaction it
 * rolls back as the connection drops: the receipt is pending again and sent once, later. Killed
 * after both writes, both land: the kernel delivers what a dead process had written, PostgreSQL
 * commits and the server stores the message. A worker that hangs instead of dying loses its
 * lock after `LEASE_MS` (idle_in_transaction_session_timeout), well past the SMTP timeouts.
 *
 * What remains (docs/operations.md, "Receipts"):
 * (1) a kill between the COMMIT's write and the "."'s, in the same turn of the event loop
 *     (60 µs to 1 ms measured on a loaded 2-core machine): recorded sent, never arrives;
 * (2) the server refusing the message at its "." and the worker dying before it records that:
 *     the same;
 * (3) the COMMIT failing (PostgreSQL lost at that instant) after the "." went: sent again, with
 *     the same Message-ID;
 * (4) the SMTP connection breaking after the "." before the server's answer: sent again too.
 * SMTP has no two-phase commit: the server commits on the "." and the database on COMMIT, two
 * writes to two sockets; back to back, nothing awaited between, is as close as they get.
 */

/** How long one receipt's transaction may sit idle before PostgreSQL ends it (the claim lease). */
const LEASE_MS = 60_000;
const MAX_REFUSALS = 5;
/** How long the outbox loop waits after a receipts pass that found nothing (see runIfDue). */
const IDLE_MS = 1_000;

export type ReceiptPass = {
  sent: number;
  retried: number;
  failed: number;
  /** The pass stopped at its budget with receipts left: run again soon. */
  more: boolean;
  /** Set when the SMTP server could not be used at all: what an operator must fix. */
  error?: string;
};

export type ReceiptSenderOptions = {
  settings: SmtpSettings;
  publicBaseUrl: string;
  databaseUrl: string;
  /** Most receipts one pass sends, so the loop gets back to writing orders (default 200). */
  budget?: number;
};

type Outcome = "sent" | "idle" | "retry" | "failed" | { stop: string };

export function createReceiptSender(o: ReceiptSenderOptions) {
  const s = o.settings;
  const pool = new Pool({
    connectionString: o.databaseUrl,
    max: s.pool,
    connectionTimeoutMillis: 5_000,
    statement_timeout: 5_000,
    idle_in_transaction_session_timeout: LEASE_MS,
  });
  pool.on("error", () => {});
  pool.on("connect", (c) => c.on("error", () => {}));
  const lanes = Array.from({ length: s.pool }, () => new SmtpLane(s));
  let nextSlot = 0;
  /** Until when runIfDue skips: the last pass found nothing to send. */
  let idleUntil = 0;

  /** SMTP_MAX_PER_SECOND across this worker's lanes: each send waits for its slot. */
  async function pace() {
    if (!s.maxPerSecond) return;
    const now = Date.now();
    const slot = Math.max(now, nextSlot);
    nextSlot = slot + 1000 / s.maxPerSecond;
    if (slot > now) await new Promise((r) => setTimeout(r, slot - now));
  }

  async function deliverOne(lane: SmtpLane, client: PoolClient): Promise<Outcome> {
    await client.query("begin");
    const r = await takeOne(client);
    if (!r) {
      await client.query("rollback");
      return "idle";
    }
    const body = await composeReceipt(r, {
      from: s.from,
      to: r.recipient,
      messageId: r.messageId,
      publicBaseUrl: o.publicBaseUrl,
    });
    let commit: Promise<unknown> | null = null;
    const message = new FinalDot(body, () => {
      commit = client.query("commit");
    });
    let failure: SmtpFailure | undefined;
    try {
      await lane.send({ from: s.fromAddress, to: [r.recipient] }, message);
    } catch (error) {
      failure = error as SmtpFailure;
    }
    if (commit) {
      // The COMMIT went out with the ".": if it failed, the server may hold the message while
      // the row is pending again (window 3 above). The connection is not reused.
      await (commit as Promise<unknown>).catch((error: unknown) => {
        log.error({ orderId: r.orderId, err: error }, "receipt: COMMIT failed with the final '.'");
        throw error;
      });
      if (!failure) return "sent";
    } else await client.query("rollback");
    const e = failure as SmtpFailure;
    // Refused login, or no server to talk to before the ".": the receipt is untouched; stop.
    if (isSettingsError(e) || (!e.responseCode && !commit)) return { stop: describeFailure(s, e) };
    const refused = isRefusal(e);
    const outcome = await recordFailure(client, r.orderId, {
      error: describeFailure(s, e),
      refused,
      maxAttempts: MAX_REFUSALS,
      retryInMs: refused ? around(2 ** r.attempts * 30_000, 0.2) : around(5_000, 0.2),
    });
    log.warn({ orderId: r.orderId, outcome, reason: describeFailure(s, e) }, "receipt not sent");
    // No answer to the ".": the server may have stored it or not. Sent again (RFC 1047's advice:
    // a duplicate, with the same Message-ID, rather than a loss); the server is in trouble, so stop.
    return e.responseCode ? outcome : { stop: describeFailure(s, e) };
  }

  async function runLane(lane: SmtpLane, quota: { left: number }, pass: ReceiptPass) {
    while (quota.left > 0 && !pass.error) {
      quota.left--;
      await pace();
      let client: PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        pass.error = `cannot reach PostgreSQL for receipts: ${(error as Error).message}`;
        return;
      }
      let outcome: Outcome;
      let broken = false;
      try {
        outcome = await deliverOne(lane, client);
      } catch (error) {
        // SMTP failures are handled inside deliverOne: what escapes is PostgreSQL's.
        broken = true;
        outcome = { stop: `PostgreSQL failed while sending receipts: ${(error as Error).message}` };
      } finally {
        client.release(broken);
      }
      if (outcome === "idle") return;
      if (typeof outcome === "object") pass.error = outcome.stop;
      else if (outcome === "sent") pass.sent++;
      else if (outcome === "retry") pass.retried++;
      else pass.failed++;
    }
  }

  /** Sends due receipts on every lane until none is left or the pass's budget is spent. */
  async function runOnce(): Promise<ReceiptPass> {
    const pass: ReceiptPass = { sent: 0, retried: 0, failed: 0, more: false };
    const quota = { left: o.budget ?? 200 };
    await Promise.all(lanes.map((lane) => runLane(lane, quota, pass)));
    pass.more = quota.left <= 0 && !pass.error;
    // Idle connections are closed between busy spells: a provider drops them anyway.
    if (!pass.more) lanes.forEach((l) => l.close());
    const idle = !pass.error && !pass.more && pass.sent + pass.retried + pass.failed === 0;
    idleUntil = idle ? Date.now() + IDLE_MS : 0;
    return pass;
  }

  return {
    settings: s,
    runOnce,
    /**
     * runOnce for the outbox worker's loop, which ticks every 250 ms: a pass that finds nothing
     * still costs each lane a transaction, so after one the next waits IDLE_MS.
     */
    runIfDue: (): Promise<ReceiptPass> =>
      Date.now() < idleUntil
        ? Promise.resolve({ sent: 0, retried: 0, failed: 0, more: false })
        : runOnce(),
    async close() {
      lanes.forEach((l) => l.close());
      await pool.end();
    },
  };
}

export type ReceiptSender = ReturnType<typeof createReceiptSender>;

/** The process's sender from the environment, or null (and a warning) when no SMTP is set. */
export function receiptSenderFromEnv(): ReceiptSender | null {
  const e = env();
  const settings = smtpSettings(e);
  if (!settings) {
    log.warn("receipts: no SMTP server configured (SMTP_URL or SMTP_HOST); receipts wait unsent");
    return null;
  }
  if (!e.DATABASE_URL) return null;
  log.info({ smtp: settings.shown }, "receipts: sending over SMTP");
  return createReceiptSender({
    settings,
    databaseUrl: e.DATABASE_URL,
    publicBaseUrl: e.PUBLIC_BASE_URL ?? `http://${e.HOST}:${e.PORT}`,
  });
}
