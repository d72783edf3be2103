import { describe, expect, it } from "vitest";
import type { PublicSaleState } from "@/lib/contract/sale-api";
import { dropPhase, renderedPhase } from "./drop-phase";

const T0 = Date.parse("2026-12-02T12:00:00Z");
const sale = {
  startsAt: new Date(T0).toISOString(),
  endsAt: new Date(T0 + 3_600_000).toISOString(),
  status: "scheduled" as const,
};
const state = (s: Partial<PublicSaleState>): PublicSaleState => ({
  id: "s",
  status: "live",
  startsAt: sale.startsAt,
  endsAt: sale.endsAt,
  stock: 10,
  available: 10,
  held: 0,
  sold: 0,
  inLine: 0,
  serverTime: 0,
  ...s,
});

describe("dropPhase", () => {
  it("turns live at the start on the clock, before the state says so", () => {
    expect(dropPhase(sale, state({ status: "upcoming" }), T0 - 1, "upcoming")).toBe("upcoming");
    expect(dropPhase(sale, state({ status: "upcoming" }), T0, "upcoming")).toBe("live");
  });
  it("is final once sold out or ended, whatever the clock says", () => {
    expect(dropPhase(sale, state({ status: "sold_out", available: 0 }), T0 + 5, "live")).toBe(
      "sold_out",
    );
    expect(dropPhase(sale, state({ status: "ended" }), T0 + 5, "live")).toBe("ended");
    expect(dropPhase(sale, state({}), T0 + 3_600_000, "live")).toBe("ended");
    expect(dropPhase({ ...sale, status: "cancelled" }, undefined, T0 + 5, "live")).toBe("ended");
  });
  it("follows the live state's pause over the page's copy of the sale", () => {
    expect(dropPhase({ ...sale, status: "paused" }, state({}), T0 + 5, "paused")).toBe("live");
    expect(dropPhase(sale, state({ status: "paused" }), T0 + 5, "live")).toBe("paused");
    expect(dropPhase({ ...sale, status: "paused" }, undefined, T0 + 5, "paused")).toBe("paused");
  });
  it("uses the state's start when the merchant moved it", () => {
    const earlier = new Date(T0 - 60_000).toISOString();
    expect(dropPhase(sale, state({ startsAt: earlier }), T0 - 1, "upcoming")).toBe("live");
  });
  it("without a clock, keeps the phase the page was rendered in", () => {
    expect(dropPhase(sale, undefined, null, renderedPhase(sale, T0 - 1))).toBe("upcoming");
    expect(dropPhase(sale, undefined, null, renderedPhase(sale, T0 + 3_600_000))).toBe("ended");
  });
});
