import type { MyState } from "@/lib/contract/sale-api";

/** What the sale panel shows after a press: the final answer of one click. */
export type Answer =
  | { status: "secured"; expiresAt: number; position: number }
  | { status: "in_line"; position: number }
  | { status: "sold_out" | "ended" | "already_purchased" | "not_found" | "unauthenticated" }
  | { status: "not_started"; startsAt: number }
  | { status: "rate_limited" | "busy"; retryAfterMs: number };

/** A final answer from "me" when Buy Now itself could not get through in time. */
export function answerFromMe(me: MyState | undefined): Answer | null {
  if (!me) return null;
  if (me.status === "holding")
    return { status: "secured", expiresAt: me.expiresAt, position: me.position };
  if (me.status === "in_line") return { status: "in_line", position: me.position };
  if (me.status === "purchased") return { status: "already_purchased" };
  return null;
}
