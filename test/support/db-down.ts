import { afterEach } from "vitest";
import { createDb, dbHandle, type DbHandle } from "@/db";

/** Points the app's database handle at a port nothing listens on: PostgreSQL "down", for real. */
function takeDatabaseDown(): () => void {
  const g = globalThis as unknown as { __stampedeDb?: DbHandle };
  const real = dbHandle();
  g.__stampedeDb = createDb({ DATABASE_URL: "postgres://postgres@127.0.0.1:1/none" });
  return () => {
    void g.__stampedeDb?.close();
    g.__stampedeDb = real;
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
