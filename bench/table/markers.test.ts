import { describe, expect, it } from "vitest";
import { fillMarkers, withMarkers } from "./markers";

describe("bench:table markers", () => {
  it("replaces only what is between a name's markers, and again on a second run", () => {
    const text = `# Notes\n\nkept above\n\n${withMarkers("x", "herd").split("\n").slice(2).join("\n")}\nkept below\n`;
    const once = fillMarkers(text, "herd", "| a |\n| - |");
    expect(once).toContain("kept above");
    expect(once).toContain("kept below");
    expect(once).toContain(
      "<!-- bench:table herd -->\n\n| a |\n| - |\n\n<!-- /bench:table herd -->",
    );
    const twice = fillMarkers(once, "herd", "| b |");
    expect(twice).not.toContain("| a |");
    expect(twice.match(/bench:table herd/g)).toHaveLength(2);
  });

  it("refuses a file without the markers, or with another name's", () => {
    expect(() => fillMarkers("# nothing here", "herd", "x")).toThrow(/markers/);
    expect(() => fillMarkers(withMarkers("x", "lanes"), "herd", "x")).toThrow(/markers/);
  });
});
