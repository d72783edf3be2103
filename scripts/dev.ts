import { spawn } from "node:child_process";
import { localSecrets } from "@/lib/env";
import { prepareDb } from "./lib/prepare-db";
import { ensureDatabase, ensureMail, ensureRedis } from "./lib/services";

/** `npm run dev`: the same services as `npm start`, then `next dev`. */
async function main() {
  const env: NodeJS.ProcessEnv = { ...localSecrets(), ...process.env };
  const redis = await ensureRedis(env);
  if (redis.url) env.REDIS_URL = redis.url;
  const pglite = await ensureDatabase(env);
  if (pglite.url) env.DATABASE_URL = pglite.url;
  const mail = await ensureMail(env);
  if (mail.catcher) {
    env.SMTP_URL = mail.smtpUrl;
    console.log(`• Mail: receipts caught locally; read them at ${mail.catcher.httpUrl}`);
  }
  await prepareDb(env, { withSeed: true });
  const dev = spawn(
    "npx",
    ["next", "dev", "-H", process.env.HOST ?? "127.0.0.1", "-p", process.env.PORT ?? "3000"],
    { stdio: "inherit", env },
  );
  const stop = () => {
    dev.kill("SIGTERM");
    redis.child?.kill("SIGTERM");
    pglite.child?.kill("SIGTERM");
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  dev.on("exit", (code) => {
    redis.child?.kill("SIGTERM");
    pglite.child?.kill("SIGTERM");
    process.exit(code ?? 0);
  });
}

main().catch((error: unknown) => {
  console.error(
    `Stampede could not start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
