import { buyNowFormAction } from "@/app/products/[slug]/actions";

/** Buy Now for browsers without JavaScript: a plain form post to the server action. */
export function NoJsBuyForm({ saleId, productSlug }: { saleId: string; productSlug: string }) {
  return (
    <noscript>
      <form action={buyNowFormAction} className="panel">
        <input type="hidden" name="saleId" value={saleId} />
        <input type="hidden" name="back" value={`/products/${productSlug}`} />
        <p className="muted small">
          JavaScript is off: the live counters above do not update, but Buy Now still works.
        </p>
        <button type="submit" className="btn btn-large">
          Buy Now
        </button>
      </form>
    </noscript>
  );
}
