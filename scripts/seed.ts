import { prepareDb } from "./lib/prepare-db";

prepareDb(process.env, { withSeed: true })
  .then((result) => console.log(`seeded (live sale ${result?.liveSaleId})`))
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
