import { describe, expect, it } from "vitest";
import { cameOverHttps, PAGE_CSP_SOURCE, pageCsp } from "./security-headers";

describe("security headers", () => {
  it("production's CSP allows no eval and no framing; next dev's allows eval and HMR", () => {
    const prod = pageCsp(false);
    expect(prod).not.toContain("unsafe-eval");
    expect(prod).toContain("frame-ancestors 'none'");
    expect(prod).toContain("object-src 'none'");
    expect(prod).not.toMatch(/\bws:/);
    expect(pageCsp(true)).toContain("'unsafe-eval'");
    expect(pageCsp(true)).toContain("connect-src 'self' ws: wss:");
  });

  it("the page CSP covers everything but uploaded images", () => {
    const matches = (p: string) => new RegExp(`^${PAGE_CSP_SOURCE}$`).test(p);
    for (const p of ["/", "/products/x", "/api/sales/1", "/api/imagesx", "/admin/images/1"])
      expect(matches(p), p).toBe(true);
    expect(matches("/api/images/0f8b4f1e-0000-4000-8000-000000000000")).toBe(false);
  });

  it.each([
    ["https", true],
    ["HTTPS", true],
    ["https, http", true],
    ["http", false],
    ["http, https", false],
    ["", false],
    [undefined, false],
    [["https"], true],
  ])("X-Forwarded-Proto %j → https: %s", (value, expected) => {
    expect(cameOverHttps(value as string | string[] | undefined)).toBe(expected);
  });
});
