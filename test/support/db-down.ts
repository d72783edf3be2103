import { afterEach } from "vitest";
import { createDb, dbHandle } from "@/db";
import { replaceProcessSingleton } from "@/lib/singleton";

/** Points the app's database handle at a port nothing listens on: PostgreSQL "down", for real. */
function takeDatabaseDown(): () => void {
  const real = dbHandle();
  const down = createDb({ DATABASE_URL: "postgres://postgres@127.0.0.1:1/none" });
  replaceProcessSingleton("db", down);
  return () => {
    void down.close();
    replaceProcessSingleton("db", real);
  };
}

/**
 * Called at a test file's top level: `down()` takes PostgreSQL away, `up()` brings it back, and
 * it is back at the end of every test whatever happened.
 */
export function databaseOutage(): { down: () => void; up: () => void } {
  let restore: (() => void) | undefined;
  const up = () => {
    restore?.();
    restore = undefined;
  };
  afterEach(up);
  return {
    down: () => {
      restore ??= takeDatabaseDown();
    },
    up,
  };
}
