import { createDb } from "@/db";
import { seed } from "@/db/seed";
import { parseEnv } from "@/lib/env";

/** Applies migrations and (optionally) the demo seed, then closes the connection. */
export async function prepareDb(env: NodeJS.ProcessEnv, { withSeed }: { withSeed: boolean }) {
  const handle = createDb(parseEnv({ ...env, NODE_ENV: "development" }), { patient: true });
  try {
    await handle.migrate();
    return withSeed ? await seed(handle) : undefined;
  } finally {
    await handle.close();
  }
}
