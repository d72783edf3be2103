import { describe, expect, it } from "vitest";
import { icsEvent } from "./ics";

const event = {
  uid: "sale-1@stampede",
  start: new Date("2026-12-02T18:00:00.000Z"),
  end: new Date("2026-12-02T19:00:00.000Z"),
  summary: "Drop: Aurora Runner, 200 units",
  description: "First come; first served.\nBe early.",
  url: "https://shop.example/products/aurora-runner",
  alarmMinutes: 10,
};

describe("icsEvent", () => {
  const ics = icsEvent(event, new Date("2026-12-01T00:00:00Z"));
  const lines = ics.split("\r\n");

  it("writes UTC times, escaped text and a reminder, with CRLF line ends", () => {
    expect(lines).toContain("DTSTART:20261202T180000Z");
    expect(lines).toContain("DTEND:20261202T190000Z");
    expect(lines).toContain("DTSTAMP:20261201T000000Z");
    expect(lines).toContain("SUMMARY:Drop: Aurora Runner\\, 200 units");
    expect(lines).toContain("DESCRIPTION:First come\\; first served.\\nBe early.");
    expect(lines).toContain("TRIGGER:-PT10M");
    expect(lines[0]).toBe("BEGIN:VCALENDAR");
    expect(ics.endsWith("END:VCALENDAR\r\n")).toBe(true);
  });

  it("folds long lines at 75 octets without splitting a character", () => {
    const long = icsEvent({ ...event, description: "é".repeat(100) });
    for (const line of long.split("\r\n")) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    const unfolded = long.replace(/\r\n /g, "");
    expect(unfolded).toContain(`DESCRIPTION:${"é".repeat(100)}`);
  });
});
