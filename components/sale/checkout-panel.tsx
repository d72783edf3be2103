"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useRef, useState, type ReactNode } from "react";
import { formatPrice } from "@/lib/catalog/views";
import { placeOrderRetrying } from "@/lib/client/press";
import { requestOrder } from "@/lib/client/sale-requests";
import { formatDuration, useMyState, useServerNow } from "@/lib/client/sale-hooks";

type Props = {
  saleId: string;
  product: { slug: string; name: string; imageUrl: string; priceCents: number };
};

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
    const token = holding.token;
    const reply = await placeOrderRetrying(() => requestOrder(token));
    if (reply.status === "confirmed" || reply.status === "received") {
      router.push(`/orders/${reply.orderId}?sale=${saleId}`);
      return;
    }
    setPlacing(false);
    setError("message" in reply ? reply.message : "We couldn’t place the order. Please try again.");
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
        <HoldGone status="expired" alert productSlug={product.slug} cta="Back to the product">
          <strong>Your hold has expired.</strong>
          <p>The unit went back to the drop for the next shopper in line.</p>
        </HoldGone>
      ) : noHold ? (
        <HoldGone status="no_hold" productSlug={product.slug} cta="Go to the drop">
          <strong>You have no hold on this drop.</strong>
          <p>
            {noHold.status === "in_line"
              ? `You are #${noHold.position} in line; the drop’s page tells you when a unit is yours.`
              : "A hold is what Buy Now gives you: press it on the drop’s page to try for a unit."}
          </p>
        </HoldGone>
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

/**
 * Checkout without a hold to pay for: why, and the way back to the drop. Only a hold that ran
 * out while the page watched is announced (`alert`): the other is what the page opened on.
 */
function HoldGone(props: {
  status: "expired" | "no_hold";
  alert?: boolean;
  productSlug: string;
  cta: string;
  children: ReactNode;
}) {
  return (
    <div
      className="result result-no"
      role={props.alert ? "alert" : undefined}
      data-testid="checkout-state"
      data-status={props.status}
    >
      {props.children}
      <Link className="btn btn-secondary" href={`/products/${props.productSlug}`}>
        {props.cta}
      </Link>
    </div>
  );
}
