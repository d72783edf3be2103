import type { PublicSaleState } from "@/lib/contract/sale-api";
import { salePhase, type SaleView } from "@/lib/catalog/views";

/** What a drop is, for the shopper, right now. */
export type DropPhase = "upcoming" | "live" | "paused" | "sold_out" | "ended";

type Timing = Pick<SaleView, "startsAt" | "endsAt" | "status">;

/**
 * The drop's phase. Start and end are known moments, so the shop's clock decides them (the page
 * turns at the start without waiting for a poll); the live state says what the clock cannot —
 * sold out, paused, ended early — and wins over the page's own copy of the sale, which may be
 * up to a regeneration old. Before the clock is known (`now` null: the server render, or no
 * JavaScript) it is the phase the page was rendered in.
 */
export function dropPhase(
  sale: Timing,
  state: PublicSaleState | undefined,
  now: number | null,
  rendered: DropPhase,
): DropPhase {
  if (sale.status === "cancelled" || state?.status === "ended") return "ended";
  const clock =
    now === null
      ? rendered
      : salePhase(
          {
            startsAt: state?.startsAt ?? sale.startsAt,
            endsAt: state?.endsAt ?? sale.endsAt,
            status: "scheduled",
          },
          now,
        );
  if (clock === "ended" || clock === "sold_out") return clock;
  if (state ? state.status === "sold_out" : false) return "sold_out";
  if (state ? state.status === "paused" : sale.status === "paused") return "paused";
  return clock === "upcoming" ? "upcoming" : "live";
}

/** The phase at a server render (the page is regenerated when the sale changes). */
export function renderedPhase(sale: Timing, now: number): DropPhase {
  const p = salePhase(sale, now);
  return p === "cancelled" ? "ended" : p;
}
