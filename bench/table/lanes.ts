/** The lanes benchmark's table (bench/lanes/run.ts), from its JSON report or its live results. */

export type LaneSummary = {
  lane: string;
  against: string;
  /** Median over rounds of the lane's req/s over its `against` lane's in the same round. */
  roundShare: number;
  rps: number;
  p50: number;
  p99: number;
  /** Server CPU µs per request. */
  cpu: number;
};

export type LanesReport = {
  requests: number;
  warmup: number;
  connections: number;
  returning: boolean;
  ticket: boolean;
  /** One entry per lane and round; only their count is read here. */
  results: { round: number }[];
  lanes: LaneSummary[];
};

export const isLanesReport = (x: unknown): x is LanesReport =>
  typeof x === "object" &&
  x !== null &&
  Array.isArray((x as { lanes?: unknown }).lanes) &&
  Array.isArray((x as { results?: unknown }).results);

/** What kind of press the run made, in the words the lanes README uses. */
export const pressKind = (r: Pick<LanesReport, "returning" | "ticket">): string =>
  r.returning
    ? "returning shoppers (each read /me first, and sends its ticket back)"
    : r.ticket
      ? "every press a shopper's first request, with a lane ticket"
      : "every press a shopper's first request";

export function renderLanesTable(r: LanesReport): string {
  const rounds = new Set(r.results.map((x) => x.round)).size;
  const rpsOf = (lane: string) => r.lanes.find((l) => l.lane === lane)?.rps ?? NaN;
  return [
    `${r.requests} requests per lane and round after ${r.warmup} unmeasured, ${r.connections} connections, ${rounds} rounds, ${pressKind(r)}.`,
    "",
    `| entry point | Buy Now req/s (median of ${rounds}) | p50 ms | p99 ms | server CPU µs/request | compared with | share (medians) | share (median of rounds) |`,
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ...r.lanes.map(
      (l) =>
        `| ${l.lane} | ${l.rps.toFixed(0)} | ${l.p50.toFixed(1)} | ${l.p99.toFixed(1)} | ${l.cpu.toFixed(0)} | ${l.against} | ${((l.rps / rpsOf(l.against)) * 100).toFixed(0)} % | ${(l.roundShare * 100).toFixed(0)} % |`,
    ),
  ].join("\n");
}
