import { log } from "@/lib/log";
import { createOutboxWorker } from "./outbox";
import { processSingleton } from "@/lib/singleton";

/** One outbox worker per process, polling in the background. */
export const startBackgroundWorker = (intervalMs = 250) =>
  processSingleton("outboxWorker", () => {
    const worker = createOutboxWorker();
    worker.start(intervalMs);
    log.info({ consumer: worker.consumer }, "outbox worker started");
    return worker;
  });
