import { parseArgs } from "node:util";
import { dbHandle } from "@/db";
import { log } from "@/lib/log";
import { createOutboxWorker } from "@/lib/orders/outbox";
import { receiptSenderFromEnv } from "@/lib/receipts/sender";
import { redisHandle } from "@/lib/redis/client";

/**
 * A dedicated outbox worker (`npm run worker`): writes every armed sale's purchases from Redis to
 * PostgreSQL, and sends each order's receipt email (lib/receipts; SMTP_URL or SMTP_HOST). `npm run cluster` runs these beside web instances started with OUTBOX_WORKER=off.
 * SIGTERM/SIGINT stop it; entries a killed worker left pending are taken over by another worker
 * (XAUTOCLAIM) once idle for --claim-idle-ms.
 *
 *   npm run worker -- [--consumer NAME] [--interval-ms 250] [--claim-idle-ms 30000]
 */

const { values } = parseArgs({
  options: {
    consumer: { type: "string" },
    "interval-ms": { type: "string", default: "250" },
    "claim-idle-ms": { type: "string", default: "30000" },
  },
  strict: true,
});

const int = (name: string, v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
  return n;
};

const worker = createOutboxWorker({
  consumer: values.consumer,
  claimIdleMs: int("claim-idle-ms", values["claim-idle-ms"]),
  receipts: receiptSenderFromEnv(),
});
worker.start(int("interval-ms", values["interval-ms"]));
log.info({ consumer: worker.consumer }, "outbox worker started");

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  worker.stop();
  // A pass in flight may still be writing; what it leaves unacked is retried by the next worker.
  await new Promise((r) => setTimeout(r, 300));
  await Promise.allSettled([redisHandle().close(), dbHandle().close()]);
  process.exit(0);
}
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
