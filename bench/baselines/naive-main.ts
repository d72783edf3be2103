import { startNaiveServer } from "./naive-server";

/**
 * The baseline as its own process (so it gets a core of its own, like the shop):
 *   NAIVE_PORT=3310 DATABASE_URL=postgres://… AUTH_SECRET=… npx tsx bench/baselines/naive-main.ts
 */

const databaseUrl = process.env.DATABASE_URL;
const authSecret = process.env.AUTH_SECRET;
if (!databaseUrl || !authSecret) {
  console.error("naive baseline: set DATABASE_URL and AUTH_SECRET");
  process.exit(2);
}

startNaiveServer({ databaseUrl, authSecret, port: Number(process.env.NAIVE_PORT ?? 3310) }).then(
  (s) => {
    console.log(`naive baseline listening on ${s.url}`);
    const stop = () => void s.close().finally(() => process.exit(0));
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
