import { chmodSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketHandler } from "@electric-sql/pglite-socket";
import { BatchQueue } from "./lib/pglite-queue";

/**
 * Embedded PGlite as a PostgreSQL server on a Unix socket, so every process of the shop (the
 * fast-lane processes, Next.js, the outbox workers, migrations) reaches it as it reaches any
 * PostgreSQL: node-postgres over DATABASE_URL. Started by `npm start`, `npm run dev`,
 * `npm run cluster` and the scripts that need a database when DATABASE_URL is unset
 * (scripts/lib/services.ts); the only process that opens the data directory.
 *
 *   tsx scripts/pglite-server.ts [--dir .data/pglite]
 *
 * The socket lives in a fresh directory under the system's temp directory, private to this user
 * (mkdtemp: mode 700), because PGlite has no authentication, and because a socket's path must be
 * short (about 100 bytes). With an IPC channel (forked), it sends { ready: url } once it accepts
 * connections.
 */

const { values } = parseArgs({
  options: {
    dir: { type: "string", default: ".data/pglite" },
  },
  strict: true,
});

/** The port in the file name only: node-postgres finds a socket as <dir>/.s.PGSQL.<port>. */
const PORT = 5432;

async function main() {
  const dataDir = path.resolve(values.dir);
  // PGlite writes its files world-writable; a directory only the owner may enter covers them.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  const db = await PGlite.create(dataDir);
  const queue = new BatchQueue(db);
  // Made once PGlite is up: a server stopped while it starts leaves no directory behind.
  const socketDir = mkdtempSync(path.join(os.tmpdir(), "stampede-pglite-"));
  const socketPath = path.join(socketDir, `.s.PGSQL.${PORT}`);
  const server = net.createServer((socket) => {
    const handler = new PGLiteSocketHandler({
      // The handler asks its queue for exactly BatchQueue's methods; the library's own type is
      // a class it does not export.
      queryQueue: queue as unknown as ConstructorParameters<
        typeof PGLiteSocketHandler
      >[0]["queryQueue"],
      closeOnDetach: true,
    });
    handler.attach(socket).catch(() => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, resolve);
  });
  const url = `postgresql://postgres@localhost/postgres?host=${encodeURIComponent(socketDir)}`;
  if (process.send) process.send({ ready: url });
  else console.log(`PGlite (${values.dir}) serving on DATABASE_URL=${url}`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    server.close();
    await db.close().catch(() => {});
    rmSync(socketDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
  // The process that started it is gone: nobody will stop this one.
  process.on("disconnect", () => void stop());
}

main().catch((error: unknown) => {
  console.error(
    `PGlite could not start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
