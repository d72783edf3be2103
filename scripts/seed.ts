import { prepareDb } from "./lib/prepare-db";
import { ensureDatabase } from "./lib/services";

/** `npm run seed`: on DATABASE_URL, or on embedded PGlite (PGLITE_DIR) when it is unset. */
async function main() {
  const pglite = await ensureDatabase(process.env);
  try {
    const result = await prepareDb(
      { ...process.env, DATABASE_URL: pglite.url ?? process.env.DATABASE_URL },
      { withSeed: true },
    );
    console.log(`seeded (live sale ${result?.liveSaleId})`);
  } finally {
    pglite.child?.kill("SIGTERM");
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
