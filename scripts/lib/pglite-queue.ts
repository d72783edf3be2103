import type { PGlite } from "@electric-sql/pglite";

/**
 * The order in which many client connections take turns on embedded PGlite, which is one
 * PostgreSQL session. pglite-socket's own queue interleaves single protocol messages from
 * different connections outside transactions, so one client's Parse can replace another's
 * unnamed statement between that one's Parse and Bind (electric-sql/pglite#1046), and one
 * failed message stops its queue for good. Here a connection keeps the session from its first
 * message until a batch ends (Sync, a simple Query, the start-up message, Terminate) with no
 * transaction open; the others wait their turn.
 */

type Waiting = {
  handlerId: number;
  message: Uint8Array;
  onData(data: Uint8Array): void;
  resolve(bytes: number): void;
  reject(error: Error): void;
};

/** Message types after which the session is free again, unless a transaction is open. */
const SYNC = 0x53;
const QUERY = 0x51;
const TERMINATE = 0x58;
/** The start-up message has no type byte; its first byte is the high byte of its length. */
const STARTUP = 0x00;
const endsBatch = (m: Uint8Array) =>
  m[0] === SYNC || m[0] === QUERY || m[0] === TERMINATE || m[0] === STARTUP;
/** Sent for a client that went away in the middle of a batch: ends it, so the next one starts clean. */
const SYNC_MESSAGE = new Uint8Array([SYNC, 0, 0, 0, 4]);

export class BatchQueue {
  private waiting: Waiting[] = [];
  private owner: number | null = null;
  private running = false;

  constructor(private readonly db: PGlite) {}

  enqueue(
    handlerId: number,
    message: Uint8Array,
    onData: (data: Uint8Array) => void,
  ): Promise<number> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ handlerId, message, onData, resolve, reject });
      void this.run();
    });
  }

  getQueueLength(): number {
    return this.waiting.length;
  }

  clearQueueForHandler(handlerId: number): void {
    this.waiting = this.waiting.filter((w) => {
      if (w.handlerId !== handlerId) return true;
      w.reject(new Error("connection closed"));
      return false;
    });
  }

  /** Called when a connection closes: whatever it left open is rolled back and the session freed. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    await this.db.runExclusive(() =>
      this.db.execProtocolRawStream(SYNC_MESSAGE, { onRawData: () => {} }),
    );
    // exec takes PGlite's lock itself.
    if (this.db.isInTransaction()) await this.db.exec("ROLLBACK");
    this.owner = null;
    void this.run();
  }

  private next(): Waiting | undefined {
    const i = this.owner === null ? 0 : this.waiting.findIndex((w) => w.handlerId === this.owner);
    return i < 0 ? undefined : this.waiting.splice(i, 1)[0];
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let w = this.next(); w; w = this.next()) {
        const job = w;
        this.owner = job.handlerId;
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(job.message, {
              onRawData: (data) => {
                bytes += data.length;
                job.onData(data);
              },
            }),
          );
          job.resolve(bytes);
        } catch (error) {
          job.reject(error instanceof Error ? error : new Error(String(error)));
        }
        if (endsBatch(job.message) && !this.db.isInTransaction()) this.owner = null;
      }
    } finally {
      this.running = false;
    }
  }
}
