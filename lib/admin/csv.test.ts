import { describe, expect, it } from "vitest";
import { csvCell, csvRow } from "./csv";

describe("csvCell", () => {
  it("leaves plain values alone", () => {
    expect(csvCell("ann@example.com")).toBe("ann@example.com");
    expect(csvCell(42)).toBe("42");
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
  });

  it("quotes cells with commas, quotes and line breaks, doubling quotes", () => {
    expect(csvCell("Smith, Ann")).toBe('"Smith, Ann"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell("cr\rlf")).toBe('"cr\rlf"');
  });

  it.each(["=1+1", "+1", "-1", "@SUM(A1)", "\tTAB", "\rCR"])(
    "neutralises a spreadsheet formula starting with %j",
    (v) => {
      expect(csvCell(v).replace(/^"/, "").startsWith("'")).toBe(true);
    },
  );

  it("neutralises and quotes a formula that also needs quoting", () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
  });

  it("does not touch a formula character later in the cell", () => {
    expect(csvCell("a=b")).toBe("a=b");
  });
});

describe("csvRow", () => {
  it("joins cells with commas and ends with CRLF", () => {
    expect(csvRow(["a", 1, "b,c", null])).toBe('a,1,"b,c",\r\n');
  });
});

describe("csvCell and ';'", () => {
  it("quotes a cell with ';', so a ';'-separated spreadsheet keeps it one cell", () => {
    expect(csvCell("Mallory;=1+2;x")).toBe('"Mallory;=1+2;x"');
  });
});
