import { log } from "@/lib/log";
import { createOutboxWorker } from "./outbox";
import { processSingleton } from "@/lib/singleton";
import { receiptSenderFromEnv } from "@/lib/receipts/sender";

/** One outbox worker per process, polling in the background; it sends the receipts too. */
export const startBackgroundWorker = (intervalMs = 250) =>
  processSingleton("outboxWorker", () => {
    const worker = createOutboxWorker({ receipts: receiptSenderFromEnv() });
    worker.start(intervalMs);
    log.info({ consumer: worker.consumer }, "outbox worker started");
    return worker;
  });
