"use server";

import { redirect } from "next/navigation";
import { headers } from "next/headers";
import { currentUser } from "@/lib/auth";
import { buyNow, type BuyNowResult } from "@/lib/gate/buy-now";
import { withRequestId } from "@/lib/request-id";
import { safeRedirect } from "@/lib/safe-redirect";

export type BuyNowActionResult = BuyNowResult | { status: "unauthenticated" };

/** Buy Now as a server action: the same logic as POST /api/sales/{id}/token. */
export async function buyNowAction(saleId: unknown): Promise<BuyNowActionResult> {
  // The id proxy.ts gave this request, on every log line of it (lib/request-id.ts).
  return withRequestId(await headers(), async () => {
    const user = await currentUser();
    if (!user) return { status: "unauthenticated" };
    if (typeof saleId !== "string") return { status: "not_found" };
    return buyNow(saleId, user.id);
  });
}

/**
 * The same action as a plain HTML form post, for browsers without JavaScript: it answers by
 * redirecting to a page that shows the shopper's true state.
 */
export async function buyNowFormAction(form: FormData): Promise<void> {
  const saleId = form.get("saleId");
  const back = safeRedirect(form.get("back"));
  const result = await buyNowAction(saleId);
  if (result.status === "unauthenticated")
    redirect(`/sign-in?callbackUrl=${encodeURIComponent(back)}`);
  if (typeof saleId !== "string" || result.status === "not_found") redirect(back);
  const q = new URLSearchParams({ status: result.status, back });
  if ("retryAfterMs" in result) q.set("retryAfterMs", String(result.retryAfterMs));
  redirect(`/sales/${saleId}/answer?${q}`);
}
