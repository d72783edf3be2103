"use client";

import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import type { SaleView } from "@/lib/catalog/views";
import { dropPhase, type DropPhase } from "@/lib/client/drop-phase";
import { useMyState, useSaleState, useServerClock, useSession } from "@/lib/client/sale-hooks";
import { Countdown } from "./countdown";
import { DropTime } from "./drop-start";
import { answerFromMe, type Answer } from "@/lib/client/answer";
import { useBuyNow } from "@/lib/client/use-buy-now";
import { answerHeadline, SaleResult } from "./sale-result";

type Props = {
  sale: SaleView;
  productSlug: string;
  productName: string;
  /** The phase when the page was rendered: what shows before the browser knows the shop's clock. */
  rendered: DropPhase;
};

const HEADINGS: Record<DropPhase, string> = {
  upcoming: "Drop starts in",
  live: "Live now",
  paused: "Drop paused",
  sold_out: "Sold out",
  ended: "This drop has ended",
};

export function SalePanel({ sale, productSlug, productName, rendered }: Props) {
  const session = useSession();
  const signedIn = Boolean(session.data?.user);
  const { data: state, mutate: refreshState } = useSaleState(sale.id);
  const startsAt = Date.parse(state?.startsAt ?? sale.startsAt);
  const endsAt = Date.parse(state?.endsAt ?? sale.endsAt);
  // Re-renders at the start and at the end; the countdowns tick by themselves.
  const now = useServerClock([startsAt, endsAt]);
  const phase = dropPhase(sale, state, now, rendered);
  const over = phase === "sold_out" || phase === "ended";

  const [focusAnswer, setFocusAnswer] = useState(0);
  const onAnswer = useCallback(() => {
    setFocusAnswer((n) => n + 1);
    void refreshState();
  }, [refreshState]);
  const resultRef = useRef<HTMLDivElement>(null);

  const known = useRef(async (): Promise<Answer | null> => null);
  const { answer, pending, attempts, answerMs, press } = useBuyNow(sale.id, known, onAnswer);
  // `me` is asked once; then, while in line, often enough to see a unit come back, and while
  // holding, now and then to keep the timer honest.
  const meInterval =
    answer?.status === "in_line" ? 1_500 : answer?.status === "secured" ? 5_000 : 0;
  const me = useMyState(sale.id, signedIn, meInterval, session.data?.expires);
  // A press that cannot reach the gate in time answers from these (lib/client/press.ts).
  useEffect(() => {
    known.current = async () => {
      const fromMe = answerFromMe(await me.mutate());
      if (fromMe) return fromMe;
      return state?.status === "sold_out" || state?.status === "ended"
        ? { status: state.status }
        : null;
    };
  });

  const mine = answerFromMe(me.data);
  // What the shopper sees: their click's answer, moved on by what "me" says since (a unit came
  // back to them in line, or they bought it) — and, before any click, what they already hold.
  // A shopper whose line closed (every unit sold, nothing can come back) is told the truth.
  const lineClosed = answer?.status === "in_line" && me.data?.status === "none" && over;
  const shown: Answer | null = lineClosed
    ? { status: phase === "ended" ? "ended" : "sold_out" }
    : answer === null ||
        answer.status === "in_line" ||
        (answer.status === "secured" && mine?.status === "already_purchased")
      ? (mine ?? answer)
      : answer;

  // Focus moves to the answer once it is on the page, so keyboard and screen-reader users land
  // on it (an effect runs after React has committed it).
  useEffect(() => {
    if (focusAnswer > 0) resultRef.current?.focus();
  }, [focusAnswer]);

  // The tab says the answer, for a shopper who switched tabs while waiting.
  const headline = shown ? answerHeadline(shown) : null;
  useEffect(() => {
    if (!headline) return;
    const before = document.title;
    document.title = `${headline} · ${productName}`;
    return () => {
      document.title = before;
    };
  }, [headline, productName]);

  const available = state?.available ?? sale.stock;
  const held = state?.held ?? 0;
  const sold = state?.sold ?? 0;
  const soldPct = Math.round(((sold + held) / Math.max(1, sale.stock)) * 100);
  const holding = shown?.status === "secured";
  const canBuy = signedIn && phase === "live" && !pending && !holding;
  const callbackUrl = `/products/${productSlug}`;

  return (
    <section className="panel sale-panel" aria-labelledby="sale-title" data-phase={phase}>
      <div className="sale-panel-head">
        <h2 id="sale-title">{HEADINGS[phase]}</h2>
        {phase === "live" && <span className="badge badge-live">Live</span>}
      </div>
      {phase === "upcoming" && (
        <p className="countdown" data-testid="countdown">
          <Countdown
            to={startsAt}
            fallback={<DropTime at={new Date(startsAt).toISOString()} timeOnly />}
          />
        </p>
      )}
      {(phase === "upcoming" || phase === "paused") && (
        <p className="drop-when small">
          Starts <DropTime at={new Date(startsAt).toISOString()} /> ·{" "}
          <a href={`/products/${productSlug}/drop.ics`} download>
            Add to calendar
          </a>
        </p>
      )}
      {phase === "live" && (
        <p className="muted" style={{ margin: "4px 0 0" }}>
          Ends in <Countdown to={endsAt} />
        </p>
      )}

      {over ? (
        <p data-testid="drop-summary">
          {sold.toLocaleString("en-US")} of {sale.stock.toLocaleString("en-US")} units sold
          {phase === "sold_out" ? " — every unit found a buyer." : "."}
        </p>
      ) : (
        <>
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
            <span style={{ transform: `scaleX(${soldPct / 100})` }} />
          </div>
          <p className="muted small">
            {sale.stock.toLocaleString("en-US")} units · {sale.perShopperLimit} per shopper · first
            come, first served
            {state && state.inLine > 0
              ? ` · ${state.inLine.toLocaleString("en-US")} waiting in line`
              : ""}
          </p>
        </>
      )}

      {over || session.isLoading ? null : !signedIn ? (
        <div className="buy-bar">
          <Link
            className="btn btn-large"
            href={`/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}`}
          >
            Sign in to join the drop
          </Link>
        </div>
      ) : (
        <div className="buy-bar">
          <button
            type="button"
            className="btn btn-large"
            onClick={press}
            disabled={!canBuy}
            aria-describedby="buy-hint"
            data-testid="buy-now"
          >
            {pending
              ? "Getting your answer…"
              : phase === "upcoming"
                ? "Buy Now (opens at the start)"
                : phase === "paused"
                  ? "Buy Now (paused)"
                  : `Buy Now · ${productName}`}
          </button>
        </div>
      )}
      <p id="buy-hint" className="sr-only">
        {phase === "upcoming"
          ? "The button turns on when the drop starts, on the shop's clock."
          : ""}
      </p>

      <p className="sr-only" aria-live="polite" aria-atomic="true" data-testid="sale-announcer">
        {shown && shown !== answer ? answerHeadline(shown) : ""}
      </p>
      <div
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
            drop={{ phase, available, held, holdSeconds: sale.holdSeconds }}
          />
        )}
      </div>
    </section>
  );
}
