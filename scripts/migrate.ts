import { prepareDb } from "./lib/prepare-db";

prepareDb(process.env, { withSeed: false })
  .then(() => console.log("migrations applied"))
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
