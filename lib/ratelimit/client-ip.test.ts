import { describe, expect, it } from "vitest";
import { clientIp } from "./client-ip";

const from = (h: Record<string, string>) => clientIp(new Headers(h));

describe("clientIp", () => {
  it("takes the last hop of x-forwarded-for (server.ts leaves exactly one) and never x-real-ip", () => {
    expect(from({ "x-forwarded-for": "203.0.113.7" })).toBe("203.0.113.7");
    expect(from({ "x-forwarded-for": "6.6.6.6, 10.1.2.3,  198.51.100.4 " })).toBe("198.51.100.4");
    expect(from({ "x-forwarded-for": "198.51.100.4", "x-real-ip": "1.1.1.1" })).toBe(
      "198.51.100.4",
    );
    expect(from({ "x-real-ip": " 192.0.2.1 " })).toBe("unknown");
  });

  it("counts anything that is not an address as one 'unknown' client", () => {
    expect(from({})).toBe("unknown");
    expect(from({ "x-forwarded-for": "1.2.3.4, not-an-ip" })).toBe("unknown");
    expect(from({ "x-forwarded-for": "1.2.3.4," })).toBe("unknown");
    expect(from({ "x-real-ip": "1.2.3.4:5678" })).toBe("unknown");
    expect(from({ "x-forwarded-for": "x".repeat(5_000) })).toBe("unknown");
  });

  it("counts an IPv4-mapped address as IPv4, and IPv6 clients by their /64", () => {
    expect(from({ "x-forwarded-for": "::ffff:203.0.113.9" })).toBe("203.0.113.9");
    const a = from({ "x-forwarded-for": "2001:db8:0:1:aaaa::5" });
    expect(a).toBe("2001:db8:0:1::/64");
    expect(from({ "x-forwarded-for": "2001:DB8:0000:0001:ffff:1:2:3" })).toBe(a);
    expect(from({ "x-forwarded-for": "2001:db8::1" })).toBe("2001:db8:0:0::/64");
    expect(from({ "x-forwarded-for": "::1" })).toBe("0:0:0:0::/64");
    expect(from({ "x-forwarded-for": "2001:db8:0:2::1" })).not.toBe(a);
  });
});
