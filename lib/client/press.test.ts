import { describe, expect, it } from "vitest";
import type { BuyNowReply, OrderReply } from "@/lib/contract/sale-api";
import type { Answer } from "./answer";
import { FALLBACK_MS, ORDER_POLICY, placeOrderRetrying, pressBuyNow, type Effects } from "./press";
import { BUY_NOW_POLICY } from "./retry";
import type { NetworkError } from "./sale-requests";

/** The browser's retry loops on a fake clock: every wait moves time on, nothing really sleeps. */

function fakeClock(random = () => 0.5) {
  let t = 0;
  const waits: number[] = [];
  const fx: Effects = {
    now: () => t,
    sleep: async (ms) => {
      waits.push(ms);
      t += ms;
    },
    random,
  };
  return { fx, waits, advance: (ms: number) => (t += ms), now: () => t };
}

/** A server that answers from a script, each request taking `ms`; the timeouts it was given. */
function scripted<R>(clock: ReturnType<typeof fakeClock>, replies: R[], ms = 50) {
  const timeouts: number[] = [];
  let i = 0;
  const send = async (timeoutMs?: number) => {
    if (timeoutMs !== undefined) timeouts.push(timeoutMs);
    clock.advance(ms);
    return replies[Math.min(i++, replies.length - 1)]!;
  };
  return { send, timeouts, calls: () => i };
}

const secured: BuyNowReply = {
  status: "secured",
  saleId: "s",
  token: "t",
  expiresAt: 9_000,
  position: 3,
  serverTime: 1_000,
};
const limited: BuyNowReply = { status: "rate_limited", retryAfterMs: 300 };
const busy: BuyNowReply = { status: "unavailable", retryAfterMs: 200, reason: "busy" };
const offline: NetworkError = { status: "network_error" };
const nothingKnown = async (): Promise<Answer | null> => null;

describe("pressBuyNow", () => {
  it("answers a final reply at once, with no retry", async () => {
    const clock = fakeClock();
    const server = scripted<BuyNowReply | NetworkError>(clock, [secured]);
    const out = await pressBuyNow(server.send, nothingKnown, clock.fx);
    expect(out).toEqual({
      answer: { status: "secured", expiresAt: 9_000, position: 3 },
      attempts: ["secured"],
    });
    expect(clock.waits).toEqual([]);
  });

  it("retries rate limits and outages, never sooner than Retry-After, until an answer", async () => {
    const clock = fakeClock();
    const server = scripted<BuyNowReply | NetworkError>(clock, [limited, busy, offline, secured]);
    const out = await pressBuyNow(server.send, nothingKnown, clock.fx);
    expect(out.attempts).toEqual(["rate_limited", "unavailable", "network_error", "secured"]);
    expect(out.answer.status).toBe("secured");
    expect(clock.waits[0]).toBeGreaterThanOrEqual(300);
    expect(clock.waits[1]).toBeGreaterThanOrEqual(200);
    expect(clock.now()).toBeLessThan(BUY_NOW_POLICY.deadlineMs);
  });

  it("gives each request only the time left before the fallback", async () => {
    const clock = fakeClock();
    const server = scripted<BuyNowReply | NetworkError>(clock, [offline, secured], 500);
    await pressBuyNow(server.send, nothingKnown, clock.fx);
    expect(server.timeouts[0]).toBe(BUY_NOW_POLICY.deadlineMs - FALLBACK_MS);
    expect(server.timeouts[1]).toBe(BUY_NOW_POLICY.deadlineMs - FALLBACK_MS - clock.now() + 500);
  });

  it("at the deadline answers from what is known, within the 3-second promise", async () => {
    const clock = fakeClock();
    const server = scripted<BuyNowReply | NetworkError>(clock, [busy]);
    const known = async (): Promise<Answer> => ({ status: "in_line", position: 7 });
    const out = await pressBuyNow(server.send, known, clock.fx);
    expect(out.answer).toEqual({ status: "in_line", position: 7 });
    expect(out.attempts.length).toBeGreaterThan(1);
    expect(out.attempts.every((a) => a === "unavailable")).toBe(true);
    expect(clock.now()).toBeLessThanOrEqual(BUY_NOW_POLICY.deadlineMs);
  });

  it("with nothing known, says to try again shortly: rate limited, or busy", async () => {
    for (const [reply, status] of [
      [limited, "rate_limited"],
      [busy, "busy"],
      [offline, "busy"],
    ] as const) {
      const clock = fakeClock();
      const server = scripted<BuyNowReply | NetworkError>(clock, [reply]);
      const out = await pressBuyNow(server.send, nothingKnown, clock.fx);
      expect(out.answer.status).toBe(status);
      expect(clock.now()).toBeLessThanOrEqual(BUY_NOW_POLICY.deadlineMs);
    }
  });

  it("a press just before the start waits for it and asks again", async () => {
    const clock = fakeClock(() => 0);
    const early: BuyNowReply = { status: "not_started", startsAt: 1_500, serverTime: 1_000 };
    const server = scripted<BuyNowReply | NetworkError>(clock, [early, secured]);
    const out = await pressBuyNow(server.send, nothingKnown, clock.fx);
    expect(clock.waits).toEqual([500]);
    expect(out.answer.status).toBe("secured");
  });

  it("a start too far off is the answer itself", async () => {
    const clock = fakeClock();
    const later: BuyNowReply = { status: "not_started", startsAt: 60_000, serverTime: 1_000 };
    const server = scripted<BuyNowReply | NetworkError>(clock, [later]);
    const out = await pressBuyNow(server.send, nothingKnown, clock.fx);
    expect(out.answer).toEqual({ status: "not_started", startsAt: 60_000 });
    expect(server.calls()).toBe(1);
  });

  it("turns refusals into answers the panel shows", async () => {
    for (const [reply, status] of [
      [{ status: "unauthenticated", message: "Sign in" }, "unauthenticated"],
      [{ status: "forbidden", message: "Cross-site request refused." }, "not_found"],
      [{ status: "sold_out" }, "sold_out"],
      [{ status: "not_found", message: "No such sale." }, "not_found"],
    ] as const) {
      const clock = fakeClock();
      const out = await pressBuyNow(scripted(clock, [reply]).send, nothingKnown, clock.fx);
      expect(out.answer).toEqual({ status });
    }
  });
});

describe("placeOrderRetrying", () => {
  const confirmed: OrderReply = { status: "confirmed", orderId: "o", saleId: "s", replay: false };

  it("retries only retryable answers, then returns the order", async () => {
    const clock = fakeClock();
    const server = scripted<OrderReply | NetworkError>(clock, [
      { status: "unavailable", retryAfterMs: 1_000, message: "busy" },
      offline,
      confirmed,
    ]);
    expect(await placeOrderRetrying(server.send, clock.fx)).toEqual(confirmed);
    expect(clock.waits[0]).toBeGreaterThanOrEqual(1_000);
  });

  it("does not retry a refusal", async () => {
    const clock = fakeClock();
    const used: OrderReply = { status: "used", message: "Already used." };
    const server = scripted<OrderReply | NetworkError>(clock, [used, confirmed]);
    expect(await placeOrderRetrying(server.send, clock.fx)).toEqual(used);
    expect(server.calls()).toBe(1);
  });

  it("gives up at its deadline with the last answer", async () => {
    const clock = fakeClock();
    const server = scripted<OrderReply | NetworkError>(clock, [offline]);
    expect(await placeOrderRetrying(server.send, clock.fx)).toEqual(offline);
    expect(clock.now()).toBeLessThanOrEqual(ORDER_POLICY.deadlineMs);
  });
});
