import { keptSessions } from "./session-cache";

/**
 * How session cookies were read, for the metrics (lib/metrics/registry.ts) and tests: sessions
 * decrypted; cookies refused (forged, expired, another secret); sessions found kept
 * (./session-cache.ts); sessions vouched for by a lane ticket (./lane-ticket.ts).
 */

export type SessionReadKind = "decrypted" | "refused" | "remembered" | "ticketed";
type Counts = Record<SessionReadKind, number>;

/** On globalThis, like the cache: one count per process, whichever bundle counts. */
const g = globalThis as unknown as { __stampedeSessionReads?: Counts };
const counts: Counts = (g.__stampedeSessionReads ??= {
  decrypted: 0,
  refused: 0,
  remembered: 0,
  ticketed: 0,
});

export function countRead(kind: SessionReadKind): void {
  counts[kind]++;
}

export const sessionReads: Readonly<Counts> & { readonly kept: number } = {
  get decrypted() {
    return counts.decrypted;
  },
  get refused() {
    return counts.refused;
  },
  get remembered() {
    return counts.remembered;
  },
  get ticketed() {
    return counts.ticketed;
  },
  get kept() {
    return keptSessions();
  },
};
