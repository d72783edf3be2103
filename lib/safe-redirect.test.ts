import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { safeRedirect } from "./safe-redirect";

/**
 * Whatever a request carries, safeRedirect's answer, resolved by a browser's URL parser against
 * the shop's own origin (http or https, any host), stays on that origin, and it is a Location
 * header value no proxy or browser can read two ways: no control characters, no backslash.
 */

const SHOPS = ["https://shop.example", "http://127.0.0.1:3000", "https://a.b.shop.example:8443"];

function staysHome(target: string) {
  expect(target.startsWith("/")).toBe(true);
  expect(target.startsWith("//")).toBe(false);
  expect(target).not.toMatch(/[\u0000-\u0020\u007f\\]/);
  for (const shop of SHOPS) expect(new URL(target, shop).origin).toBe(shop);
}

/** Pieces that have opened redirects somewhere: separators, control characters, encodings. */
const piece = fc.constantFrom(
  "/",
  "\\",
  "//",
  "\\\\",
  "/\\",
  "\t",
  "\n",
  "\r",
  "\r\n",
  "\u0000",
  "\u000b",
  "\u000c",
  " ",
  "\u00a0",
  "\u3000",
  "\u2028",
  "\ufeff",
  "／",
  "＼",
  "%09",
  "%0a",
  "%0d%0a",
  "%2f",
  "%2F",
  "%5c",
  "%252f",
  "%00",
  "..",
  ".",
  "@",
  ":",
  "?",
  "#",
  "evil.example",
  "evil.example:443",
  "https:",
  "javascript:alert(1)",
  "data:text/html,x",
  "user:pass@",
  "[::1]",
  "127.0.0.1",
  "products",
  "ä",
  "🎉",
);
const hostile = fc.array(piece, { maxLength: 12 }).map((parts) => parts.join(""));

describe("safeRedirect", () => {
  it("keeps the shop's own paths, with their query and fragment", () => {
    expect(safeRedirect("/account")).toBe("/account");
    expect(safeRedirect("/products/aurora-runner?ref=mail#buy")).toBe(
      "/products/aurora-runner?ref=mail#buy",
    );
    expect(safeRedirect("/search?q=caf%C3%A9")).toBe("/search?q=caf%C3%A9");
  });

  it("refuses the known ways out: the fallback instead", () => {
    for (const evil of [
      "/\t/evil.example/",
      "/\n/evil.example",
      "/\r\n/evil.example",
      "//evil.example",
      "/\\evil.example",
      "\\/evil.example",
      "/\\/evil.example",
      "/.//evil.example",
      "/x/..//evil.example",
      "https://evil.example",
      "http:evil.example",
      "javascript:alert(1)",
      "evil.example",
      " /\t\t/evil.example",
      "",
      "/".repeat(600),
    ])
      expect(safeRedirect(evil), JSON.stringify(evil)).toBe("/");
    expect(safeRedirect(undefined)).toBe("/");
    expect(safeRedirect(["/account"])).toBe("/");
    expect(safeRedirect(null, "/account")).toBe("/account");
  });

  it("puts no CR, LF or other control character into a Location header", () => {
    expect(safeRedirect("/account\r\nSet-Cookie: x=1")).toBe("/accountSet-Cookie:%20x=1");
    expect(safeRedirect("/a\u0000b")).toBe("/a%00b");
  });

  it("property: any mix of separators, control characters and encodings stays on the shop", () => {
    fc.assert(
      fc.property(hostile, (value) => staysHome(safeRedirect(value))),
      { numRuns: 5_000 },
    );
    fc.assert(
      fc.property(hostile, (value) => staysHome(safeRedirect(`/${value}`))),
      { numRuns: 5_000 },
    );
  });

  it("property: any string at all stays on the shop", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 80 }), (value) =>
        staysHome(safeRedirect(value)),
      ),
      { numRuns: 5_000 },
    );
  });
});
