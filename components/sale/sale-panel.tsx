"use client";

import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import type { BuyNowActionResult } from "@/app/products/[slug]/actions";
import type { SaleView } from "@/lib/catalog/views";
import { BUY_NOW_POLICY, isRetryable, nextRetry } from "@/lib/client/retry";
import {
  formatDuration,
  serverNow,
  useMyState,
  useSaleState,
  useServerNow,
  useSession,
  type MyState,
} from "@/lib/client/sale-hooks";
import { SaleResult, type Answer } from "./sale-result";

type Props = { sale: SaleView; productSlug: string; productName: string };

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
function answerFromMe(me: MyState | undefined): Answer | null {
  if (!me) return null;
  if (me.status === "holding")
    return { status: "secured", expiresAt: me.expiresAt, position: me.position };
  if (me.status === "in_line") return { status: "in_line", position: me.position };
  if (me.status === "purchased") return { status: "already_purchased" };
  return null;
}

export function SalePanel({ sale, productSlug, productName }: Props) {
  const session = useSession();
  const signedIn = Boolean(session.data?.user);
  const { data: state, mutate: refreshState } = useSaleState(sale.id);
  const now = useServerNow();
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [pending, setPending] = useState(false);
  // The answers each attempt of the last click got, e.g. "rate_limited,secured" (shown as a data attribute).
  const [attempts, setAttempts] = useState<string[]>([]);
  // Click → answer of the last click, as the page measured it (shown as a data attribute).
  const [answerMs, setAnswerMs] = useState<number | null>(null);
  const resultRef = useRef<HTMLDivElement>(null);
  const [focusAnswer, setFocusAnswer] = useState(0);

  // While in line, watch for the unit coming back; while holding, keep the timer honest.
  const meInterval =
    answer?.status === "in_line" ? 1_500 : answer?.status === "secured" ? 5_000 : 0;
  const me = useMyState(sale.id, signedIn, meInterval, session.data?.expires);
  const mine = answerFromMe(me.data);
  // What the shopper sees: their click's answer, moved on by what "me" says since (a unit came
  // back to them in line, or they bought it) — and, before any click, what they already hold.
  // A shopper whose line closed (every unit sold, nothing can come back) is told the truth.
  const lineClosed =
    answer?.status === "in_line" &&
    me.data?.status === "none" &&
    (state?.status === "sold_out" || state?.status === "ended");
  const shown: Answer | null = lineClosed
    ? { status: state?.status === "ended" ? "ended" : "sold_out" }
    : answer === null ||
        answer.status === "in_line" ||
        (answer.status === "secured" && mine?.status === "already_purchased")
      ? (mine ?? answer)
      : answer;

  const startsAt = Date.parse(state?.startsAt ?? sale.startsAt);
  const endsAt = Date.parse(state?.endsAt ?? sale.endsAt);
  const upcoming = now === null || now < startsAt;
  const ended =
    state?.status === "ended" || (now !== null && now >= endsAt) || sale.status === "cancelled";
  const soldOut = state?.status === "sold_out";
  const paused = state?.status === "paused";

  const show = useCallback(
    (a: Answer, elapsedMs?: number) => {
      setAnswer(a);
      if (elapsedMs !== undefined) setAnswerMs(Math.round(elapsedMs));
      setFocusAnswer((n) => n + 1);
      void refreshState();
    },
    [refreshState],
  );
  // Move focus to the answer, once it is on the page, so keyboard and screen-reader users land
  // on it. An effect runs after React has committed the answer; a frame callback could run first.
  useEffect(() => {
    if (focusAnswer > 0) resultRef.current?.focus();
  }, [focusAnswer]);

  const onBuy = useCallback(async () => {
    if (pending) return;
    setPending(true);
    const clickedAt = performance.now();
    const log: string[] = [];
    const done = (answer: Answer) => show(answer, performance.now() - clickedAt);
    try {
      for (let attempt = 1; ; attempt++) {
        let r: BuyNowActionResult | { status: "network_error" };
        try {
          r = await requestBuyNow(
            sale.id,
            BUY_NOW_POLICY.deadlineMs - FALLBACK_MS - (performance.now() - clickedAt),
          );
        } catch {
          r = { status: "network_error" };
        }
        log.push(r.status);
        setAttempts([...log]);
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
          const fromMe = answerFromMe(
            await Promise.race([
              me.mutate().catch(() => undefined),
              sleep(FALLBACK_MS - 100).then(() => undefined),
            ]),
          );
          if (fromMe) return done(fromMe);
          const latest = state;
          if (latest?.status === "sold_out" || latest?.status === "ended")
            return done({ status: latest.status });
          if (r.status === "rate_limited")
            return done({ status: "rate_limited", retryAfterMs: retryAfterMs ?? 1_000 });
          return done({ status: "busy", retryAfterMs: retryAfterMs ?? 1_000 });
        }
        await sleep(next.delayMs);
      }
    } finally {
      setPending(false);
    }
  }, [pending, sale.id, show, me, state]);

  const available = state?.available ?? sale.stock;
  const held = state?.held ?? 0;
  const sold = state?.sold ?? 0;
  const soldPct = Math.round(((sold + held) / Math.max(1, sale.stock)) * 100);
  const callbackUrl = `/products/${productSlug}`;
  const canBuy =
    signedIn &&
    !upcoming &&
    !ended &&
    !soldOut &&
    !paused &&
    !pending &&
    shown?.status !== "secured";

  return (
    <section className="panel sale-panel" aria-labelledby="sale-title">
      <div className="sale-panel-head">
        <h2 id="sale-title">
          {upcoming
            ? "Drop starts in"
            : ended
              ? "This drop has ended"
              : soldOut
                ? "Sold out"
                : paused
                  ? "Drop paused"
                  : "Live now"}
        </h2>
        {!upcoming && !ended && !soldOut && !paused && (
          <span className="badge badge-live">Live</span>
        )}
      </div>
      {upcoming && (
        <p className="countdown" aria-live="off" data-testid="countdown">
          {now === null ? "--:--" : formatDuration(startsAt - now)}
        </p>
      )}
      {!upcoming && !ended && (
        <p className="muted" style={{ margin: "4px 0 0" }}>
          Ends in {now === null ? "…" : formatDuration(endsAt - now)}
        </p>
      )}

      <div className="stats" aria-label="Live stock">
        <div className="stat">
          <b data-testid="stat-available">{available.toLocaleString("en-US")}</b>
          <span>remaining</span>
        </div>
        <div className="stat">
          <b data-testid="stat-held">{held.toLocaleString("en-US")}</b>
          <span>checking out</span>
        </div>
        <div className="stat">
          <b data-testid="stat-sold">{sold.toLocaleString("en-US")}</b>
          <span>sold</span>
        </div>
      </div>
      <div
        className="meter"
        role="progressbar"
        aria-label="Share of the drop claimed"
        aria-valuenow={soldPct}
        aria-valuemin={0}
        aria-valuemax={100}
      >
        <span style={{ width: `${soldPct}%` }} />
      </div>
      <p className="muted small">
        {sale.stock.toLocaleString("en-US")} units · {sale.perShopperLimit} per shopper · first
        come, first served
        {state && state.inLine > 0
          ? ` · ${state.inLine.toLocaleString("en-US")} waiting in line`
          : ""}
      </p>

      {session.isLoading ? null : !signedIn ? (
        <Link
          className="btn btn-large"
          href={`/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}`}
        >
          Sign in to join the drop
        </Link>
      ) : (
        <button
          type="button"
          className="btn btn-large"
          onClick={onBuy}
          disabled={!canBuy}
          aria-describedby="buy-hint"
          data-testid="buy-now"
        >
          {pending
            ? "Getting your answer…"
            : upcoming
              ? "Buy Now (opens at the start)"
              : `Buy Now · ${productName}`}
        </button>
      )}
      <p id="buy-hint" className="sr-only">
        {upcoming ? "The button turns on when the drop starts, on the shop's clock." : ""}
      </p>

      <div
        aria-live="polite"
        aria-atomic="true"
        data-testid="sale-answer"
        data-attempts={attempts.join(",")}
        data-answer-ms={answerMs ?? undefined}
      >
        {shown && (
          <SaleResult
            ref={resultRef}
            answer={shown}
            saleId={sale.id}
            productSlug={productSlug}
            serverNow={serverNow}
          />
        )}
      </div>
    </section>
  );
}
