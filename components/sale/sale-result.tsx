"use client";

import Link from "next/link";
import { forwardRef } from "react";
import { formatDuration, useServerClock } from "@/lib/client/sale-hooks";
import { estimateLine } from "@/lib/client/line-estimate";
import { Countdown } from "./countdown";
import type { Answer } from "@/lib/client/answer";
import type { DropPhase } from "@/lib/client/drop-phase";

/** What the drop looks like now, for answers that depend on it. */
export type DropNow = {
  phase: DropPhase;
  available: number;
  held: number;
  holdSeconds: number;
};

type Props = { answer: Answer; saleId: string; productSlug: string; drop: DropNow };

/** The answer in a few words: the tab title and the screen-reader announcement. */
export function answerHeadline(a: Answer): string {
  switch (a.status) {
    case "secured":
      return "Secured! Check out now";
    case "in_line":
      return `#${a.position} in line`;
    case "sold_out":
      return "Sold out";
    case "ended":
      return "Drop ended";
    case "already_purchased":
      return "Already bought";
    case "not_started":
      return "Not started yet";
    case "unauthenticated":
      return "Sign in to buy";
    case "rate_limited":
    case "busy":
      return "Try again shortly";
    case "not_found":
      return "Drop unavailable";
  }
}

/**
 * The shopper's answer, focusable (focus moves here after a press). Not a live region: the hold
 * timer ticks every second, and the panel announces each new answer once, by itself.
 */
export const SaleResult = forwardRef<HTMLDivElement, Props>(function SaleResult(
  { answer, saleId, productSlug, drop },
  ref,
) {
  // Re-renders when the hold runs out; its timer ticks by itself.
  const now = useServerClock([answer.status === "secured" ? answer.expiresAt : null]);
  const common = {
    ref,
    tabIndex: -1,
    "data-testid": "sale-result",
    "data-status": answer.status,
  } as const;
  const canPressAgain = drop.phase === "live" && drop.available > 0;
  switch (answer.status) {
    case "secured": {
      const left = now === null ? null : answer.expiresAt - now;
      if (left !== null && left <= 0) {
        return (
          <div {...common} className="result result-no">
            <strong>Your hold has expired.</strong>
            <p>
              The unit went back to the drop.{" "}
              {canPressAgain
                ? "Units are left: you can press Buy Now again."
                : drop.phase === "live"
                  ? "Every unit is held or sold right now."
                  : "The drop is over."}
            </p>
          </div>
        );
      }
      return (
        <div {...common} className="result result-ok">
          <strong>Secured! It’s yours — you were #{answer.position}.</strong>
          <p>
            We’re holding it for you for{" "}
            <span data-testid="hold-timer" role="timer">
              <Countdown to={answer.expiresAt} />
            </span>
            . Check out before the timer runs out.
          </p>
          <Link className="btn" href={`/checkout/${saleId}`}>
            Check out now
          </Link>
        </div>
      );
    }
    case "in_line":
      return (
        <div {...common} className="result result-wait">
          <strong>You’re #{answer.position} in line.</strong>
          <LineChance position={answer.position} drop={drop} />
        </div>
      );
    case "sold_out":
      return (
        <div {...common} className="result result-no">
          <strong>Sold out.</strong>
          <p>
            Every unit has found a buyer. Thanks for being here — watch the shop for the next drop.
          </p>
        </div>
      );
    case "ended":
      return (
        <div {...common} className="result result-no">
          <strong>This drop has ended.</strong>
        </div>
      );
    case "already_purchased":
      return (
        <div {...common} className="result result-ok">
          <strong>You already bought this drop’s limit.</strong>
          <p>
            <Link href="/account">See your orders</Link>
          </p>
        </div>
      );
    case "not_started":
      return (
        <div {...common} className="result result-wait">
          <strong>
            Not yet — the drop opens in <Countdown to={answer.startsAt} />.
          </strong>
        </div>
      );
    case "unauthenticated":
      return (
        <div {...common} className="result result-no">
          <strong>Please sign in first.</strong>
          <p>
            <Link href={`/sign-in?callbackUrl=${encodeURIComponent(`/products/${productSlug}`)}`}>
              Sign in
            </Link>
          </p>
        </div>
      );
    case "rate_limited":
      return (
        <div {...common} className="result result-wait">
          <strong>You’re pressing faster than the drop allows.</strong>
          <p>
            Try again in {Math.ceil(answer.retryAfterMs / 1000)} s. Your place is not lost by
            waiting.
          </p>
        </div>
      );
    case "busy":
      return (
        <div {...common} className="result result-wait">
          <strong>The drop is very busy right now.</strong>
          <p>
            We couldn’t get you an answer in time. Try again in{" "}
            {Math.ceil(answer.retryAfterMs / 1000)} s.
          </p>
        </div>
      );
    case "not_found":
      return (
        <div {...common} className="result result-no">
          <strong>This drop is no longer available.</strong>
        </div>
      );
  }
});

/** The chance and the wait of a place in line, from the live state (lib/client/line-estimate.ts). */
function LineChance({ position, drop }: { position: number; drop: DropNow }) {
  const e = estimateLine({ position, ...drop });
  const n = (x: number) => x.toLocaleString("en-US");
  let text: string;
  if (e.chance === "good")
    text = "A unit is free right now — it comes to the head of the line first.";
  else if (e.chance === "none") text = "No one is checking out any more, so no unit can come back.";
  else {
    const held = `${n(e.held)} ${e.held === 1 ? "unit is" : "units are"} held by shoppers checking out`;
    const wait = formatDuration(e.waitMs);
    text =
      e.chance === "possible"
        ? `A chance: ${held}. One comes to you if ${n(e.needed)} of them ${e.needed === 1 ? "lets its" : "let their"} hold run out unpaid. Those holds end within ${wait}.`
        : `A slim chance: ${held}, fewer than the ${n(e.needed)} holds that would have to run out unpaid before a unit reaches you — some more than once. You would know within about ${wait}.`;
  }
  return (
    <>
      <p data-testid="line-chance" data-chance={e.chance}>
        {text}
      </p>
      <p className="small">Keep this page open: if a unit comes to you, it shows here.</p>
    </>
  );
}
