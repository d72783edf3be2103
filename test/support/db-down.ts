import { createDb, dbHandle, type DbHandle } from "@/db";

/** Points the app's database handle at a port nothing listens on: PostgreSQL "down", for real. */
export function takeDatabaseDown(): () => void {
  const g = globalThis as unknown as { __stampedeDb?: DbHandle };
  const real = dbHandle();
  g.__stampedeDb = createDb({ DATABASE_URL: "postgres://postgres@127.0.0.1:1/none" });
  return () => {
    void g.__stampedeDb?.close();
    g.__stampedeDb = real;
  };
}
