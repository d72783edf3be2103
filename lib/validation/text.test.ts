import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nastyString } from "@/test/support/hostile";
import { cleanQuery, isPlainText } from "./text";

describe("isPlainText", () => {
  it.each([
    ["NUL", "a\u0000b"],
    ["a bell", "a\u0007"],
    ["DEL", "a\u007f"],
    ["a C1 control", "a\u0085"],
    ["a right-to-left override", "\u202egpj.exe"],
    ["an isolate", "a\u2066b\u2069"],
    ["a lone high surrogate", "a\ud800"],
    ["a lone low surrogate", "\udc00a"],
  ])("refuses %s", (_, s) => {
    expect(isPlainText(s, "line")).toBe(false);
    expect(isPlainText(s, "text")).toBe(false);
  });

  it("takes line breaks and tabs in text, not in a line", () => {
    expect(isPlainText("one\ntwo\r\n\tthree", "text")).toBe(true);
    expect(isPlainText("one\ntwo", "line")).toBe(false);
  });

  it.each(["Zoë", "محمد", "李小龙", "👩‍👩‍👧‍👦", "🔥", "a\u200fb", "e\u0301"])("takes %s", (s) => {
    expect(isPlainText(s, "line")).toBe(true);
  });
});

describe("cleanQuery", () => {
  it("leaves nothing isPlainText refuses, and keeps plain text as it is", () => {
    fc.assert(
      fc.property(nastyString, (s) => {
        expect(isPlainText(cleanQuery(s), "line")).toBe(true);
        if (isPlainText(s, "line")) expect(cleanQuery(s)).toBe(s);
      }),
      { numRuns: 500 },
    );
  });
});
