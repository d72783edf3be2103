import { describe, expect, it } from "vitest";
import { productChangeTags, saleChangeTags } from "./tags";

describe("productChangeTags", () => {
  it("a new product: the catalog and its own page (which may have been a cached 404)", () => {
    expect(productChangeTags(null, { slug: "lamp" }, { onStorefrontSales: false }).sort()).toEqual(
      ["catalog", "product:lamp"].sort(),
    );
  });
  it("a renamed slug: both pages", () => {
    expect(
      productChangeTags({ slug: "old" }, { slug: "new" }, { onStorefrontSales: false }).sort(),
    ).toEqual(["catalog", "product:new", "product:old"].sort());
  });
  it("a product shown in a storefront sale: the sale list too", () => {
    expect(
      productChangeTags({ slug: "lamp" }, { slug: "lamp" }, { onStorefrontSales: true }).sort(),
    ).toEqual(["catalog", "product:lamp", "sales"].sort());
  });
});

describe("saleChangeTags", () => {
  it("the sale list and the sale itself", () => {
    expect(saleChangeTags("s1")).toEqual(["sales", "sale:s1"]);
  });
});
