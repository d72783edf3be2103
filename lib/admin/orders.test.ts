import { describe, expect, it } from "vitest";
import { likePattern, looksLikeOrderId, pageCount, parseOrderSearch } from "./orders";

describe("parseOrderSearch", () => {
  it("trims the query and defaults to page 1", () => {
    expect(parseOrderSearch({ q: "  ann@example.com " })).toEqual({
      q: "ann@example.com",
      page: 1,
    });
  });
  it.each([["0"], ["-2"], ["abc"], ["1.5"], ["99999999"]])("treats page %j as page 1", (page) => {
    expect(parseOrderSearch({ page }).page).toBe(1);
  });
  it("takes the first of repeated parameters and caps the query", () => {
    expect(parseOrderSearch({ q: ["a", "b"], page: ["3", "4"] })).toEqual({ q: "a", page: 3 });
    expect(parseOrderSearch({ q: "x".repeat(400) }).q).toHaveLength(254);
  });
});

describe("likePattern", () => {
  it("escapes LIKE wildcards so they match literally", () => {
    expect(likePattern("100%_off\\", "contains")).toBe("%100\\%\\_off\\\\%");
    expect(likePattern("ab12", "prefix")).toBe("ab12%");
  });
});

describe("looksLikeOrderId", () => {
  it("recognises UUIDs and their beginnings", () => {
    expect(looksLikeOrderId("3f2a9c1e-0b7d-8e4f-9a55-3f0e0c2d9b10")).toBe(true);
    expect(looksLikeOrderId("3f2a9c1e")).toBe(true);
    expect(looksLikeOrderId("ann@example.com")).toBe(false);
    expect(looksLikeOrderId("abc")).toBe(false);
  });
});

describe("pageCount", () => {
  it("is at least one page", () => {
    expect(pageCount(0)).toBe(1);
    expect(pageCount(25)).toBe(1);
    expect(pageCount(26)).toBe(2);
  });
});
