import { describe, expect, it } from "vitest";
import { featuredSale, featuredSales } from "./views";

const NOW = Date.parse("2030-05-01T12:00:00Z");
const MIN = 60_000;
const sale = (
  id: string,
  slug: string,
  startMin: number,
  endMin: number,
  status: "scheduled" | "paused" | "cancelled" = "scheduled",
) => ({
  id,
  status,
  startsAt: new Date(NOW + startMin * MIN).toISOString(),
  endsAt: new Date(NOW + endMin * MIN).toISOString(),
  product: { slug },
});

describe("featuredSale", () => {
  it("features the live drop over a later one, even a paused later one", () => {
    const live = sale("live", "a", -5, 30);
    const later = sale("later", "a", 24 * 60, 25 * 60, "paused");
    expect(featuredSale([later, live], NOW)?.id).toBe("live");
  });

  it("features a drop paused mid-window over the next one, and the next over an ended one", () => {
    const paused = sale("paused", "a", -5, 30, "paused");
    const next = sale("next", "a", 60, 90);
    const ended = sale("ended", "a", -90, -60);
    expect(featuredSale([next, paused, ended], NOW)?.id).toBe("paused");
    expect(featuredSale([ended, next], NOW)?.id).toBe("next");
    expect(featuredSale([ended], NOW)?.id).toBe("ended");
  });
});

describe("featuredSales", () => {
  it("lists each product once, running drops first, then by start", () => {
    const list = [
      sale("b-next", "b", 10, 20),
      sale("a-live", "a", -5, 30),
      sale("a-later", "a", 60, 90, "paused"),
      sale("c-soon", "c", 5, 20),
    ];
    expect(featuredSales(list, NOW).map((s) => s.id)).toEqual(["a-live", "c-soon", "b-next"]);
  });
});
