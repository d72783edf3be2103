/**
 * Runs once when a server instance starts: the outbox worker (unless OUTBOX_WORKER=off, e.g.
 * when dedicated worker processes run it) writes purchases to PostgreSQL in the background.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build")
    return;
  // NEXT_RUNTIME and NEXT_PHASE are Next.js's own, set before lib/env.ts may load.
  const { env } = await import("./lib/env");
  if (env().OUTBOX_WORKER === "off") return;
  const { startBackgroundWorker } = await import("./lib/orders/background");
  startBackgroundWorker();
}
