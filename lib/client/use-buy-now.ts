"use client";

import { useCallback, useState, type RefObject } from "react";
import type { BuyNowActionResult } from "@/app/products/[slug]/actions";
import { BUY_NOW_POLICY, isRetryable, nextRetry } from "@/lib/client/retry";
import type { MyState } from "@/lib/client/sale-hooks";
import type { Answer } from "./sale-result";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Time kept at the end of the 3-second promise to answer from what is already known. */
const FALLBACK_MS = 400;

/**
 * Buy Now through the fast lane (served by node:http in server.ts, not Next.js's request
 * machinery); the server action is the no-JavaScript path. Same logic, same answers.
 */
async function requestBuyNow(saleId: string, timeoutMs: number): Promise<BuyNowActionResult> {
  // A request that cannot answer in time is abandoned (→ network_error): the deadline is the promise.
  const res = await fetch(`/api/sales/${saleId}/token`, {
    method: "POST",
    credentials: "same-origin",
    signal: AbortSignal.timeout(Math.max(1, Math.round(timeoutMs))),
  });
  if (res.status === 401) return { status: "unauthenticated" };
  const body = (await res.json()) as BuyNowActionResult;
  if ((body.status === "rate_limited" || body.status === "unavailable") && !body.retryAfterMs) {
    body.retryAfterMs = Number(res.headers.get("retry-after") ?? 1) * 1000;
  }
  return body;
}

/** A final answer from "me" when Buy Now itself could not get through in time. */
export function answerFromMe(me: MyState | undefined): Answer | null {
  if (!me) return null;
  if (me.status === "holding")
    return { status: "secured", expiresAt: me.expiresAt, position: me.position };
  if (me.status === "in_line") return { status: "in_line", position: me.position };
  if (me.status === "purchased") return { status: "already_purchased" };
  return null;
}

export type Press = {
  /** The last click's final answer. */
  answer: Answer | null;
  pending: boolean;
  /** What each attempt of the last click got, e.g. ["rate_limited", "secured"]. */
  attempts: string[];
  /** Click → answer of the last click, as the page measured it. */
  answerMs: number | null;
  press: () => Promise<void>;
};

/**
 * One press of Buy Now: retries only retryable answers, with backoff and full jitter, honouring
 * Retry-After, and gives a final answer within the 3-second promise — at the deadline, from what
 * is known to be true (the shopper's own hold or place, or the sale's state).
 */
export function useBuyNow(
  saleId: string,
  /** What is known to be true without the gate (the shopper's own state, the sale's), if anything. */
  known: RefObject<() => Promise<Answer | null>>,
  onAnswer: () => void,
): Press {
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [pending, setPending] = useState(false);
  const [attempts, setAttempts] = useState<string[]>([]);
  const [answerMs, setAnswerMs] = useState<number | null>(null);

  const press = useCallback(async () => {
    if (pending) return;
    setPending(true);
    const clickedAt = performance.now();
    const log: string[] = [];
    const done = (a: Answer) => {
      setAnswer(a);
      setAnswerMs(Math.round(performance.now() - clickedAt));
      setAttempts(log);
      onAnswer();
    };
    try {
      for (let attempt = 1; ; attempt++) {
        let r: BuyNowActionResult | { status: "network_error" };
        try {
          r = await requestBuyNow(
            saleId,
            BUY_NOW_POLICY.deadlineMs - FALLBACK_MS - (performance.now() - clickedAt),
          );
        } catch {
          r = { status: "network_error" };
        }
        log.push(r.status);
        if (!isRetryable(r.status)) {
          if (r.status === "unauthenticated") return done({ status: "unauthenticated" });
          if (r.status === "not_started") {
            // Our clock ran a little ahead of the shop's: the start is a known moment, so
            // wait for it (plus a jitter, so early clickers do not return in step) and ask again.
            const wait = r.startsAt - r.serverTime + Math.random() * 100;
            const elapsed = performance.now() - clickedAt;
            if (wait > 0 && elapsed + wait + FALLBACK_MS < BUY_NOW_POLICY.deadlineMs) {
              await sleep(wait);
              continue;
            }
            return done({ status: "not_started", startsAt: r.startsAt });
          }
          if (r.status === "secured")
            return done({ status: "secured", expiresAt: r.expiresAt, position: r.position });
          if (r.status === "in_line") return done({ status: "in_line", position: r.position });
          return done({
            status: r.status as "sold_out" | "ended" | "already_purchased" | "not_found",
          });
        }
        const retryAfterMs = "retryAfterMs" in r ? r.retryAfterMs : undefined;
        const next = nextRetry({
          attempt,
          elapsedMs: performance.now() - clickedAt,
          retryAfterMs,
          reserveMs: FALLBACK_MS,
        });
        if (!next.retry) {
          // Out of time for the gate itself: answer from what is known to be true.
          const fallback = await Promise.race([
            known.current().catch(() => null),
            sleep(FALLBACK_MS - 100).then(() => null),
          ]);
          if (fallback) return done(fallback);
          if (r.status === "rate_limited")
            return done({ status: "rate_limited", retryAfterMs: retryAfterMs ?? 1_000 });
          return done({ status: "busy", retryAfterMs: retryAfterMs ?? 1_000 });
        }
        await sleep(next.delayMs);
      }
    } finally {
      setPending(false);
    }
  }, [pending, saleId, known, onAnswer]);

  return { answer, pending, attempts, answerMs, press };
}
