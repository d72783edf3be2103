import { describe, expect, it } from "vitest";
import { centsToInput, parsePriceToCents, validateProduct } from "./product";

const good = {
  name: "Lantern",
  slug: "lantern-2",
  description: "A camping lantern.",
  price: "24.99",
  imageId: "0b0c8a5e-6a5e-4f57-9d1c-8b5d6f6f1a11",
};

const errorsOf = (raw: Record<string, unknown>, requireImage = true) => {
  const r = validateProduct(raw, { requireImage });
  return r.ok ? {} : r.fieldErrors;
};

describe("validateProduct", () => {
  it("accepts a good product and converts the price to cents", () => {
    expect(validateProduct(good, { requireImage: true })).toEqual({
      ok: true,
      data: {
        name: "Lantern",
        slug: "lantern-2",
        description: "A camping lantern.",
        priceCents: 2499,
        imageId: good.imageId,
      },
    });
  });

  it("trims the text fields", () => {
    const r = validateProduct(
      { ...good, name: "  Lantern  ", slug: " lantern " },
      { requireImage: true },
    );
    expect(r.ok && r.data.name).toBe("Lantern");
    expect(r.ok && r.data.slug).toBe("lantern");
  });

  it.each([
    ["missing", undefined, "Enter a name"],
    ["empty", "", "Enter a name"],
    ["blank", "   ", "Enter a name"],
    ["121 characters", "x".repeat(121), "Keep the name to 120 characters or fewer"],
  ])("refuses a name that is %s", (_, name, message) => {
    expect(errorsOf({ ...good, name }).name).toBe(message);
  });

  it("accepts a name of exactly 120 characters", () => {
    expect(errorsOf({ ...good, name: "x".repeat(120) }).name).toBeUndefined();
  });

  it.each([
    ["empty", "", "Enter a slug"],
    ["upper case", "Lantern", "Use lowercase letters, digits and hyphens only (a-z, 0-9, -)"],
    [
      "with a space",
      "camp lantern",
      "Use lowercase letters, digits and hyphens only (a-z, 0-9, -)",
    ],
    [
      "with an underscore",
      "camp_lantern",
      "Use lowercase letters, digits and hyphens only (a-z, 0-9, -)",
    ],
    [
      "with a slash",
      "camp/lantern",
      "Use lowercase letters, digits and hyphens only (a-z, 0-9, -)",
    ],
    ["non-ASCII", "lantérn", "Use lowercase letters, digits and hyphens only (a-z, 0-9, -)"],
    ["81 characters", "a".repeat(81), "Keep the slug to 80 characters or fewer"],
  ])("refuses a slug that is %s", (_, slug, message) => {
    expect(errorsOf({ ...good, slug }).slug).toBe(message);
  });

  it.each([
    ["empty", "", "Enter a description"],
    ["blank", "  \n ", "Enter a description"],
    ["2001 characters", "d".repeat(2001), "Keep the description to 2,000 characters or fewer"],
  ])("refuses a description that is %s", (_, description, message) => {
    expect(errorsOf({ ...good, description }).description).toBe(message);
  });

  it("accepts a description of exactly 2000 characters", () => {
    expect(errorsOf({ ...good, description: "d".repeat(2000) }).description).toBeUndefined();
  });

  it.each([
    ["empty", "", "Enter a price"],
    ["zero", "0", "The price must be more than 0"],
    ["0.00", "0.00", "The price must be more than 0"],
    ["negative", "-5", "Enter a price like 24.99"],
    ["three decimals", "1.999", "Enter a price like 24.99"],
    ["words", "free", "Enter a price like 24.99"],
    ["exactly 1,000,000.00", "1000000.00", "The price must be less than 1,000,000.00"],
    ["above the maximum", "1000000.01", "The price must be less than 1,000,000.00"],
  ])("refuses a price that is %s", (_, price, message) => {
    expect(errorsOf({ ...good, price }).price).toBe(message);
  });

  it.each([
    ["0.01", 1],
    ["999999.99", 99_999_999],
    ["$1,250.5", 125_050],
    ["12", 1200],
  ])("accepts the price %s", (price, cents) => {
    const r = validateProduct({ ...good, price }, { requireImage: true });
    expect(r.ok && r.data.priceCents).toBe(cents);
  });

  it("requires an image for a new product but not for an edit", () => {
    expect(errorsOf({ ...good, imageId: "" }, true).imageId).toBe("Add a product image");
    expect(errorsOf({ ...good, imageId: "" }, false)).toEqual({});
  });

  it("refuses an image id that is not an uploaded image's id", () => {
    expect(errorsOf({ ...good, imageId: "../../etc/passwd" }).imageId).toBe(
      "Upload the image again",
    );
  });

  it("reports every bad field at once", () => {
    expect(Object.keys(errorsOf({}))).toEqual(
      expect.arrayContaining(["name", "slug", "description", "price", "imageId"]),
    );
  });
});

describe("prices", () => {
  it("round-trips cents through the input format", () => {
    for (const c of [1, 10, 99, 100, 2499, 99_999_999])
      expect(parsePriceToCents(centsToInput(c))).toBe(c);
  });
});
