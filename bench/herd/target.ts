/**
 * What the herd talks to. Stampede is the shop's HTTP contract (token → checkout); the baseline
 * is the naive server in bench/baselines (one request buys or refuses, no token, no "me").
 */

export type TargetKind = "stampede" | "baseline";

export type Target = {
  kind: TargetKind;
  /** e.g. http://127.0.0.1:3300 */
  baseUrl: string;
  saleId: string;
};

export type Paths = { state: string; buy: string; me: string | null; order: string | null };

export function pathsFor(t: Target): Paths {
  const id = encodeURIComponent(t.saleId);
  return t.kind === "stampede"
    ? {
        state: `/api/sales/${id}`,
        buy: `/api/sales/${id}/token`,
        me: `/api/sales/${id}/me`,
        order: "/api/orders",
      }
    : { state: `/state?sale=${id}`, buy: `/buy?sale=${id}`, me: null, order: null };
}

/**
 * A shopper's final answer to one Buy Now click. "secured" means the unit is theirs (a
 * purchase token from Stampede, an order from the baseline). The gave_up_* outcomes are what
 * the browser shows when its 3-second budget ran out without a true answer.
 */
export const OUTCOMES = [
  "secured",
  "in_line",
  "sold_out",
  "already_purchased",
  "ended",
  "not_started",
  "gave_up_busy",
  "gave_up_rate_limited",
  "error",
  "unanswered",
] as const;
export type Outcome = (typeof OUTCOMES)[number];
export const outcomeIndex = Object.fromEntries(OUTCOMES.map((o, i) => [o, i])) as Record<
  Outcome,
  number
>;

/** Outcomes that are true answers (what the 3-second promise is about). */
export const TRUE_ANSWERS: readonly Outcome[] = [
  "secured",
  "in_line",
  "sold_out",
  "already_purchased",
  "ended",
  "not_started",
];

/** The status of a Buy Now reply as the browser's retry module sees it. */
export function buyStatus(
  kind: TargetKind,
  r: { status: number; body: Record<string, unknown> | null },
) {
  if (r.status === 0) return "network_error";
  const s = typeof r.body?.status === "string" ? r.body.status : null;
  if (s === null) return r.status >= 500 ? "network_error" : "error";
  if (kind === "baseline" && s === "purchased") return "secured";
  return s;
}

/** Maps a non-retryable Buy Now status to an outcome. */
export function finalOutcome(status: string): Outcome {
  switch (status) {
    case "secured":
    case "in_line":
    case "sold_out":
    case "already_purchased":
    case "ended":
    case "not_started":
      return status;
    default:
      return "error";
  }
}
