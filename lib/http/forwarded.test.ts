import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";
import { clientAddress, settleForwarding } from "./forwarded";

const proxies = (v: string) =>
  parseEnv({
    NODE_ENV: "test",
    AUTH_SECRET: "a".repeat(32),
    TOKEN_SECRET: "b".repeat(32),
    TRUSTED_PROXIES: v,
  }).TRUSTED_PROXIES;

describe("clientAddress", () => {
  it("with no trusted proxies: the socket's peer, whatever X-Forwarded-For says", () => {
    expect(clientAddress("203.0.113.9", "198.51.100.1", [])).toBe("203.0.113.9");
    expect(clientAddress("::ffff:203.0.113.9", "1.1.1.1, 2.2.2.2", [])).toBe("203.0.113.9");
  });

  it("from a peer that is not a trusted proxy: the peer", () => {
    expect(clientAddress("203.0.113.9", "198.51.100.1", proxies("10.0.0.0/8"))).toBe("203.0.113.9");
  });

  it("behind trusted proxies: the right-most address that is not one of them", () => {
    const p = proxies("10.0.0.0/8, 192.168.1.1, fd00::/8");
    expect(clientAddress("10.0.0.2", "198.51.100.7", p)).toBe("198.51.100.7");
    // A client-written hop to the left of the real one changes nothing.
    expect(clientAddress("10.0.0.2", "6.6.6.6, 198.51.100.7", p)).toBe("198.51.100.7");
    // Two proxies: the CDN's hop is skipped because it is trusted too.
    expect(clientAddress("10.0.0.2", "6.6.6.6, 198.51.100.7, 192.168.1.1", p)).toBe("198.51.100.7");
    expect(clientAddress("fd00::5", ["6.6.6.6", "2001:db8::1"], p)).toBe("2001:db8::1");
    // Every hop trusted: the left-most is as far back as anyone vouches.
    expect(clientAddress("10.0.0.2", "10.1.1.1, 10.2.2.2", p)).toBe("10.1.1.1");
    // Garbage where the proxy should have written an address is passed on (counted "unknown").
    expect(clientAddress("10.0.0.2", "198.51.100.7, nonsense", p)).toBe("nonsense");
    expect(clientAddress("10.0.0.2", undefined, p)).toBe("10.0.0.2");
  });

  it("TRUSTED_PROXIES refuses what is not an address or CIDR block, naming it", () => {
    for (const bad of ["10.0.0.0/33", "proxy.internal", "10.0.0.1/8/8", "fd00::/129", "1.2.3.4/x"])
      expect(() => proxies(bad)).toThrow(/TRUSTED_PROXIES: .* is not an IP address or CIDR block/);
    expect(proxies("")).toEqual([]);
  });
});

describe("settleForwarding", () => {
  const request = (peer: string, headers: Record<string, string>) =>
    ({ socket: { remoteAddress: peer }, headers: { ...headers } }) as unknown as IncomingMessage;

  it("leaves one X-Forwarded-For and drops the forwarding headers an untrusted client wrote", () => {
    const req = request("203.0.113.9", {
      "x-forwarded-for": "1.2.3.4",
      "x-real-ip": "5.6.7.8",
      "x-forwarded-host": "evil.example",
      "x-forwarded-proto": "https",
      host: "shop.example",
    });
    settleForwarding(req);
    expect(req.headers).toEqual({ "x-forwarded-for": "203.0.113.9", host: "shop.example" });
  });
});
