"use client";

import Link from "next/link";
import { forwardRef } from "react";
import { formatDuration, useServerNow } from "@/lib/client/sale-hooks";

export type Answer =
  | { status: "secured"; expiresAt: number; position: number }
  | { status: "in_line"; position: number }
  | { status: "sold_out" | "ended" | "already_purchased" | "not_found" | "unauthenticated" }
  | { status: "not_started"; startsAt: number }
  | { status: "rate_limited" | "busy"; retryAfterMs: number };

type Props = { answer: Answer; saleId: string; productSlug: string; serverNow: () => number };

/** The shopper's answer, announced (the parent is aria-live) and focusable. */
export const SaleResult = forwardRef<HTMLDivElement, Props>(function SaleResult(
  { answer, saleId, productSlug },
  ref,
) {
  const now = useServerNow(500);
  const common = {
    ref,
    tabIndex: -1,
    "data-testid": "sale-result",
    "data-status": answer.status,
  } as const;
  switch (answer.status) {
    case "secured": {
      const left = now === null ? null : answer.expiresAt - now;
      if (left !== null && left <= 0) {
        return (
          <div {...common} className="result result-no">
            <strong>Your hold has expired.</strong>
            <p>
              The unit went back to the drop. If there is stock left, you can press Buy Now again.
            </p>
          </div>
        );
      }
      return (
        <div {...common} className="result result-ok">
          <strong>Secured! It’s yours — you were #{answer.position}.</strong>
          <p>
            We’re holding it for you for{" "}
            <span data-testid="hold-timer">{left === null ? "…" : formatDuration(left)}</span>.
            Check out before the timer runs out.
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
          <p>
            Every unit is held by someone checking out. If a hold runs out, the unit comes to the
            next in line — keep this page open.
          </p>
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
            Not yet — the drop opens in {now === null ? "…" : formatDuration(answer.startsAt - now)}
            .
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
