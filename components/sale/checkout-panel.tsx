"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { formatPrice } from "@/lib/catalog/views";
import { isRetryable, nextRetry } from "@/lib/client/retry";
import { formatDuration, useMyState, useServerNow } from "@/lib/client/sale-hooks";

type Props = {
  saleId: string;
  product: { slug: string; name: string; imageUrl: string; priceCents: number };
};

type OrderReply = { status: string; orderId?: string; message?: string; retryAfterMs?: number };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function placeOrder(token: string): Promise<OrderReply> {
  const startedAt = performance.now();
  for (let attempt = 1; ; attempt++) {
    let reply: OrderReply;
    try {
      const res = await fetch("/api/orders", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ token }),
      });
      reply = (await res.json()) as OrderReply;
      if (res.status === 429 || res.status === 503)
        reply.retryAfterMs ??= Number(res.headers.get("retry-after") ?? 1) * 1000;
    } catch {
      reply = { status: "network_error" };
    }
    if (!isRetryable(reply.status)) return reply;
    // Checkout may take longer than Buy Now: the hold, not a 3-second promise, is the limit.
    const next = nextRetry(
      { attempt, elapsedMs: performance.now() - startedAt, retryAfterMs: reply.retryAfterMs },
      { baseMs: 200, capMs: 2_000, deadlineMs: 15_000 },
    );
    if (!next.retry) return reply;
    await sleep(next.delayMs);
  }
}

export function CheckoutPanel({ saleId, product }: Props) {
  const router = useRouter();
  const me = useMyState(saleId, true, 10_000);
  const now = useServerNow(500);
  const [placing, setPlacing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const errorRef = useRef<HTMLParagraphElement>(null);

  const holding = me.data?.status === "holding" ? me.data : null;
  // "Expired" only for a hold this page has shown: a shopper who never had one is told so.
  const [hadHold, setHadHold] = useState(false);
  if (holding && !hadHold) setHadHold(true);
  const left = holding && now !== null ? holding.expiresAt - now : null;
  const gone = me.data && me.data.status !== "holding" && me.data.status !== "purchased";
  const expired = (left !== null && left <= 0) || (gone && hadHold);
  const noHold = gone && !hadHold ? me.data : null;

  async function onPlace() {
    if (!holding) return;
    setPlacing(true);
    setError(null);
    const reply = await placeOrder(holding.token);
    if ((reply.status === "confirmed" || reply.status === "received") && reply.orderId) {
      router.push(`/orders/${reply.orderId}?sale=${saleId}`);
      return;
    }
    setPlacing(false);
    setError(reply.message ?? "We couldn’t place the order. Please try again.");
    requestAnimationFrame(() => errorRef.current?.focus());
    void me.mutate();
  }

  return (
    <div className="panel checkout-panel">
      <div className="checkout-line">
        {/* eslint-disable-next-line @next/next/no-img-element -- shipped SVG or uploaded image */}
        <img src={product.imageUrl} alt="" width={96} height={96} />
        <div>
          <strong>{product.name}</strong>
          <div className="muted">1 × {formatPrice(product.priceCents)}</div>
        </div>
        <strong className="checkout-total">{formatPrice(product.priceCents)}</strong>
      </div>

      {me.isLoading ? (
        <p className="muted">Loading your hold…</p>
      ) : me.data?.status === "purchased" && !holding ? (
        <div className="result result-ok" data-testid="checkout-state" data-status="purchased">
          <strong>You’ve already bought this drop’s limit.</strong>
          <p>
            <Link href="/account">See your orders</Link>
          </p>
        </div>
      ) : expired ? (
        <div
          className="result result-no"
          role="alert"
          data-testid="checkout-state"
          data-status="expired"
        >
          <strong>Your hold has expired.</strong>
          <p>The unit went back to the drop for the next shopper in line.</p>
          <Link className="btn btn-secondary" href={`/products/${product.slug}`}>
            Back to the product
          </Link>
        </div>
      ) : noHold ? (
        <div className="result result-no" data-testid="checkout-state" data-status="no_hold">
          <strong>You have no hold on this drop.</strong>
          <p>
            {noHold.status === "in_line"
              ? `You are #${noHold.position} in line; the drop’s page tells you when a unit is yours.`
              : "A hold is what Buy Now gives you: press it on the drop’s page to try for a unit."}
          </p>
          <Link className="btn btn-secondary" href={`/products/${product.slug}`}>
            Go to the drop
          </Link>
        </div>
      ) : holding ? (
        <>
          <p className="hold-timer" data-testid="checkout-state" data-status="holding">
            Held for you for{" "}
            <strong data-testid="checkout-timer">
              {left === null ? "…" : formatDuration(left)}
            </strong>
          </p>
          <button
            type="button"
            className="btn btn-large"
            onClick={onPlace}
            disabled={placing}
            data-testid="place-order"
          >
            {placing ? "Placing your order…" : `Place order · ${formatPrice(product.priceCents)}`}
          </button>
          {error && (
            <p className="form-error" role="alert" tabIndex={-1} ref={errorRef}>
              {error}
            </p>
          )}
        </>
      ) : (
        <p className="form-error" role="alert">
          We couldn’t load your hold.{" "}
          <button className="btn btn-small btn-secondary" onClick={() => void me.mutate()}>
            Try again
          </button>
        </p>
      )}
    </div>
  );
}
