import { prepareDb } from "./lib/prepare-db";
import { ensureDatabase } from "./lib/services";

/** `npm run migrate`: on DATABASE_URL, or on embedded PGlite (PGLITE_DIR) when it is unset. */
async function main() {
  const pglite = await ensureDatabase(process.env);
  try {
    await prepareDb(
      { ...process.env, DATABASE_URL: pglite.url ?? process.env.DATABASE_URL },
      {
        withSeed: false,
      },
    );
  } finally {
    pglite.child?.kill("SIGTERM");
  }
  console.log("migrations applied");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
