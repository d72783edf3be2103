import { log } from "@/lib/log";
import { createOutboxWorker } from "./outbox";

const g = globalThis as unknown as { __stampedeWorker?: ReturnType<typeof createOutboxWorker> };

/** One outbox worker per process, polling in the background. */
export function startBackgroundWorker(intervalMs = 250) {
  if (g.__stampedeWorker) return g.__stampedeWorker;
  g.__stampedeWorker = createOutboxWorker();
  g.__stampedeWorker.start(intervalMs);
  log.info({ consumer: g.__stampedeWorker.consumer }, "outbox worker started");
  return g.__stampedeWorker;
}
