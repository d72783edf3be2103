import { admitPress, pressKey, uncountPress } from "@/lib/ratelimit/press-limit";
import { budget } from "@/lib/resilience/bulkhead";
import { buyNow, recordBuyNow, type BuyNowResult, type PressCost } from "./buy-now";
import { notePress, pressKind } from "./press-work";
import { refreshPublicState } from "./public-state";
import { isInvolved, verdict, wantsRecheck, type Verdict } from "./sale-knowledge";
import { isUuid } from "@/lib/validation/uuid";

/**
 * Buy Now as the JSON API serves it, cheapest answer first (DESIGN.md "Scale-out"):
 * 1. screenPress, before the session is read: no session cookie → unauthenticated; the gate's
 *    budget full (and the sale not one this process answers itself) → shed; the shopper past
 *    their press limit → rate_limited. A refused press costs a few microseconds.
 * 2. press, once the session is read: a sale this process knows has nothing to give
 *    (./sale-knowledge.ts) is answered here — `ended`, or `sold_out` to a shopper never given a
 *    hold or a place in line; everyone else goes to the grant script (./buy-now.ts), once the
 *    session is known not to have been ended since (sign-out, password change). The local
 *    answer skips that check: it is the same for every shopper not involved, signed out or not,
 *    grants nothing and tells nothing, and the check can cost a Redis read.
 * Every answer is counted by kind with what it cost (./press-work.ts).
 */

export type ScreenAnswer =
  { status: "unauthenticated" } | Extract<BuyNowResult, { status: "rate_limited" | "unavailable" }>;

const UNAUTHENTICATED = { status: "unauthenticated" } as const;
const SOLD_OUT: BuyNowResult = Object.freeze({ status: "sold_out" });
const ENDED: BuyNowResult = Object.freeze({ status: "ended" });

function early(
  saleId: string,
  result: Extract<BuyNowResult, { status: "rate_limited" | "unavailable" }>,
  started: number,
) {
  const ms = performance.now() - started;
  recordBuyNow(saleId, result, ms);
  notePress(result.status === "unavailable" ? "shed" : "rate_limited", ms, 0);
  return result;
}

/** Whether presses for the sale are answered here for now (but for shoppers involved in it). */
export function answersLocally(saleId: string): boolean {
  const v = isUuid(saleId) ? verdict(saleId) : null;
  return v === "sold_out" || v === "ended";
}

/** The answer a press gets before its session is read, or null to go on. */
export function screenPress(
  saleId: string,
  cookie: string | null | undefined,
  started = performance.now(),
): ScreenAnswer | null {
  const key = pressKey(cookie);
  if (key === null) return UNAUTHENTICATED;
  // A made-up sale id costs no limit: it is answered not_found once the session is read.
  if (!isUuid(saleId)) return null;
  if (verdict(saleId) === null) {
    const shed = budget("gate").refuseIfFull();
    if (shed)
      return early(
        saleId,
        { status: "unavailable", retryAfterMs: shed.retryAfterMs, reason: "busy" },
        started,
      );
  }
  const waitMs = admitPress(saleId, key);
  if (waitMs > 0) return early(saleId, { status: "rate_limited", retryAfterMs: waitMs }, started);
  return null;
}

/**
 * A press screenPress let through that must not count against any limit: its session read refused
 * it, or it came before the start.
 */
export function pressRefused(saleId: string, cookie: string | null | undefined): void {
  const key = pressKey(cookie);
  if (key !== null && isUuid(saleId)) uncountPress(saleId, key);
}

/** One state read at a time per sale, at most every LEARN_EVERY_MS, prompted by grant replies. */
const LEARN_EVERY_MS = 50;
const learntAt = new Map<string, number>();
function learn(saleId: string): void {
  const now = Date.now();
  if (now - (learntAt.get(saleId) ?? 0) < LEARN_EVERY_MS) return;
  if (learntAt.size > 1_000) learntAt.clear();
  learntAt.set(saleId, now);
  refreshPublicState(saleId).catch(() => {}); // a failed read teaches nothing; presses go on to Redis
}

/** The verdict once a refresh is in: an expired refusal is refreshed (single-flight) and asked again. */
async function freshVerdict(saleId: string): Promise<Verdict> {
  try {
    await refreshPublicState(saleId);
  } catch {
    return null; // Redis did not answer: the grant call says so itself
  }
  const v = verdict(saleId);
  return v === "expired" ? null : v;
}

/**
 * A signed-in shopper's press, after screenPress let it through. `stillSignedIn` says whether
 * the session has been ended since it was made; null when it has (the press is refused).
 */
export async function press(
  saleId: string,
  userId: string,
  stillSignedIn: () => Promise<boolean>,
  requestId: string | undefined,
  started = performance.now(),
): Promise<BuyNowResult | null> {
  let own = 0; // synchronous time on this press's path, less the waits
  let from = started;
  let v = isUuid(saleId) ? verdict(saleId) : null;
  if (v === "expired") {
    own += performance.now() - from;
    v = await freshVerdict(saleId);
    from = performance.now();
  } else if (v !== null && wantsRecheck(saleId)) learn(saleId);
  if (v === "ended" || (v === "sold_out" && !isInvolved(saleId, userId))) {
    const result = v === "ended" ? ENDED : SOLD_OUT;
    const ms = own + performance.now() - from;
    recordBuyNow(saleId, result, ms);
    notePress(result.status as "ended" | "sold_out", ms, 0);
    return result;
  }
  const cost: PressCost = { redisCalls: 0, replyAt: 0 };
  own += performance.now() - from;
  if (!(await stillSignedIn())) return null;
  const result = await buyNow(saleId, userId, requestId, cost);
  own += performance.now() - (cost.replyAt || performance.now());
  if ((result.status === "sold_out" || result.status === "ended") && verdict(saleId) === null)
    learn(saleId);
  const kind =
    result.status === "unavailable" && result.reason !== "busy"
      ? "other"
      : pressKind(result.status);
  notePress(kind, own, cost.redisCalls);
  return result;
}
