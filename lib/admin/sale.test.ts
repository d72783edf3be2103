import { describe, expect, it } from "vitest";
import { nextStatus, validateSale, type SaleContext } from "./sale";

const NOW = Date.parse("2030-05-01T12:00:00Z");
const iso = (offsetMs: number) => new Date(NOW + offsetMs).toISOString();
const MIN = 60_000;

const good = {
  productId: "6f1d8f3e-2b7a-4c1e-9a55-3f0e0c2d9b10",
  startsAt: iso(10 * MIN),
  endsAt: iso(70 * MIN),
  stock: "500",
  perShopperLimit: "2",
  holdSeconds: "120",
};
const ctx: SaleContext = { now: NOW, minHoldSeconds: 2 };

const errorsOf = (raw: Record<string, unknown>, c: SaleContext = ctx) => {
  const r = validateSale(raw, c);
  return r.ok ? {} : r.fieldErrors;
};

/** `good` as validateSale returns it. */
const goodData = {
  productId: good.productId,
  startsAt: new Date(good.startsAt),
  endsAt: new Date(good.endsAt),
  stock: 500,
  perShopperLimit: 2,
  holdSeconds: 120,
};

const saved = (over: Partial<NonNullable<SaleContext["existing"]>> = {}) => ({
  ...goodData,
  status: "scheduled" as const,
  sold: 0,
  ...over,
});

describe("validateSale: shape", () => {
  it("accepts a good sale", () => {
    expect(validateSale(good, ctx)).toEqual({ ok: true, data: goodData });
  });

  it.each([
    ["missing", undefined],
    ["not an id", "aurora-runner"],
  ])("refuses a product that is %s", (_, productId) => {
    expect(errorsOf({ ...good, productId }).productId).toBe("Choose a product");
  });

  it.each([
    ["startsAt", "", "Enter a start date and time"],
    ["startsAt", "tomorrow-ish", "Enter a start date and time"],
    ["endsAt", "", "Enter an end date and time"],
    ["endsAt", "2030-13-45T99:00", "Enter an end date and time"],
    ["stock", "0", "Stock must be between 1 and 1,000,000"],
    ["stock", "1000001", "Stock must be between 1 and 1,000,000"],
    ["stock", "-3", "Enter the stock as a whole number"],
    ["stock", "2.5", "Enter the stock as a whole number"],
    ["stock", "", "Enter the stock"],
    ["perShopperLimit", "0", "The per-shopper limit must be between 1 and 10"],
    ["perShopperLimit", "11", "The per-shopper limit must be between 1 and 10"],
    ["perShopperLimit", "one", "Enter a per-shopper limit as a whole number"],
    ["holdSeconds", "1", "The hold time must be between 2 and 900 seconds"],
    ["holdSeconds", "901", "The hold time must be between 2 and 900 seconds"],
  ])("refuses %s = %j", (field, value, message) => {
    expect(errorsOf({ ...good, [field]: value })[field]).toBe(message);
  });

  it.each([
    ["stock", "1"],
    ["stock", "1000000"],
    ["perShopperLimit", "1"],
    ["perShopperLimit", "10"],
    ["holdSeconds", "2"],
    ["holdSeconds", "900"],
  ])("accepts %s = %j, at its bound", (field, value) => {
    expect(errorsOf({ ...good, [field]: value })).toEqual({});
  });

  it("takes the minimum hold time from the context (env().MIN_HOLD_SECONDS)", () => {
    const strict = { ...ctx, minHoldSeconds: 30 };
    expect(errorsOf({ ...good, holdSeconds: "29" }, strict).holdSeconds).toBe(
      "The hold time must be between 30 and 900 seconds",
    );
    expect(errorsOf({ ...good, holdSeconds: "30" }, strict)).toEqual({});
  });
});

describe("validateSale: schedule", () => {
  it("refuses an end before or at the start", () => {
    expect(errorsOf({ ...good, endsAt: iso(5 * MIN) }).endsAt).toBe(
      "The end must be after the start",
    );
    expect(errorsOf({ ...good, endsAt: good.startsAt }).endsAt).toBe(
      "The end must be after the start",
    );
  });

  it("refuses an end in the past", () => {
    expect(errorsOf({ ...good, startsAt: iso(-60 * MIN), endsAt: iso(-MIN) }).endsAt).toBe(
      "The end must be in the future",
    );
  });

  it("accepts a start in the past for a new sale (it starts at once)", () => {
    expect(errorsOf({ ...good, startsAt: iso(-MIN) })).toEqual({});
  });
});

describe("validateSale: editing", () => {
  it("accepts any change before the start", () => {
    const r = validateSale(
      { ...good, stock: "800", holdSeconds: "60" },
      { ...ctx, existing: saved() },
    );
    expect(r.ok).toBe(true);
  });

  it("refuses stock below the units sold in PostgreSQL", () => {
    expect(errorsOf({ ...good, stock: "9" }, { ...ctx, existing: saved({ sold: 10 }) }).stock).toBe(
      "Stock can't go below the 10 units already sold or held",
    );
    expect(errorsOf({ ...good, stock: "10" }, { ...ctx, existing: saved({ sold: 10 }) })).toEqual(
      {},
    );
  });

  it("refuses stock below the units the gate counts as sold + held", () => {
    expect(
      errorsOf(
        { ...good, stock: "11" },
        { ...ctx, existing: saved({ sold: 3 }), gateCommitted: 12 },
      ).stock,
    ).toBe("Stock can't go below the 12 units already sold or held");
  });

  it("refuses schedule, stock and limit changes once the sale has started", () => {
    const started = saved({ startsAt: new Date(NOW - MIN) });
    const raw = { ...good, startsAt: started.startsAt.toISOString() };
    for (const [field, value] of [
      ["startsAt", iso(-2 * MIN)],
      ["endsAt", iso(90 * MIN)],
      ["stock", "600"],
      ["perShopperLimit", "3"],
      ["holdSeconds", "60"],
      ["productId", "7f1d8f3e-2b7a-4c1e-9a55-3f0e0c2d9b10"],
    ] as const) {
      const r = validateSale({ ...raw, [field]: value }, { ...ctx, existing: started });
      expect(r.ok, field).toBe(false);
      if (!r.ok) {
        expect(r.fieldErrors[field]).toBe("The sale has started: this can no longer change");
        expect(r.formError).toBe("This sale has started. You can still pause or cancel it.");
      }
    }
  });

  it("refuses every edit of a cancelled sale", () => {
    const r = validateSale(good, { ...ctx, existing: saved({ status: "cancelled" }) });
    expect(r).toEqual({
      ok: false,
      fieldErrors: {},
      formError: "This sale was cancelled; it can no longer change.",
      partial: {},
    });
  });
});

describe("validateSale: every error in one round", () => {
  it("reports shape and schedule errors together, with the fields that did parse", () => {
    const r = validateSale(
      { ...good, endsAt: iso(5 * MIN), stock: "0", holdSeconds: "1" },
      { ...ctx, existing: saved({ sold: 10 }) },
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.fieldErrors).toEqual({
      endsAt: "The end must be after the start",
      stock: "Stock must be between 1 and 1,000,000",
      holdSeconds: "The hold time must be between 2 and 900 seconds",
    });
    expect(r.partial).toMatchObject({ productId: good.productId, perShopperLimit: 2 });
  });

  it("checks the stock against what is sold even when another field is wrong", () => {
    const r = validateSale(
      { ...good, stock: "5", perShopperLimit: "" },
      { ...ctx, existing: saved({ sold: 10 }) },
    );
    expect(r.ok ? {} : r.fieldErrors).toEqual({
      stock: "Stock can't go below the 10 units already sold or held",
      perShopperLimit: "Enter a per-shopper limit",
    });
  });
});

describe("nextStatus", () => {
  const live = { status: "scheduled" as const, endsAt: new Date(NOW + MIN) };
  it("pauses a scheduled sale and resumes a paused one", () => {
    expect(nextStatus("pause", live, NOW)).toEqual({ ok: true, status: "paused" });
    expect(nextStatus("resume", { ...live, status: "paused" }, NOW)).toEqual({
      ok: true,
      status: "scheduled",
    });
  });
  it("cancels a scheduled or paused sale", () => {
    expect(nextStatus("cancel", live, NOW)).toEqual({ ok: true, status: "cancelled" });
    expect(nextStatus("cancel", { ...live, status: "paused" }, NOW)).toEqual({
      ok: true,
      status: "cancelled",
    });
  });
  it("refuses pausing twice, resuming a running sale, and anything after the end or a cancel", () => {
    expect(nextStatus("pause", { ...live, status: "paused" }, NOW).ok).toBe(false);
    expect(nextStatus("resume", live, NOW).ok).toBe(false);
    expect(nextStatus("pause", { ...live, endsAt: new Date(NOW) }, NOW)).toEqual({
      ok: false,
      message: "This sale has ended.",
    });
    expect(nextStatus("resume", { ...live, status: "cancelled" }, NOW)).toEqual({
      ok: false,
      message: "This sale was cancelled.",
    });
  });
});
