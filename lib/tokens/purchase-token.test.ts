import { describe, expect, it } from "vitest";
import { purchaseClaims, realKey } from "@/test/support/token-attack";
import { signPurchaseToken, verifyPurchaseToken } from "./purchase-token";

/**
 * Signing against jose, and verifying with another secret. Attacks on tokens are in
 * forged-tokens.test.ts and misused-tokens.test.ts.
 */

describe("signing", () => {
  it("makes byte for byte what jose's SignJWT makes, and jose verifies it", async () => {
    const claims = {
      userId: "6b7c1f3e-2a9d-4c1e-9f00-0a1b2c3d4e5f",
      saleId: "0e0f5a4b-1c2d-4e3f-8a9b-abcdefabcdef",
      holdId: "h-42:ü",
      expiresAt: Date.now() + 90_500,
    };
    const ours = await signPurchaseToken(claims);
    const joses = await purchaseClaims({
      sale: claims.saleId,
      iss: "stampede",
      sub: claims.userId,
      jti: claims.holdId,
      exp: Math.ceil(claims.expiresAt / 1000),
    })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .sign(realKey());
    expect(ours).toBe(joses);
    expect(await verifyPurchaseToken(ours)).toEqual({
      ok: true,
      claims: { ...claims, expiresAt: Math.ceil(claims.expiresAt / 1000) * 1000 },
    });
    const other = new TextEncoder().encode("another secret, at least thirty-two bytes long");
    expect(await verifyPurchaseToken(await signPurchaseToken(claims, other))).toMatchObject({
      ok: false,
      reason: "bad_signature",
    });
    expect(await verifyPurchaseToken(await signPurchaseToken(claims, other), other)).toMatchObject({
      ok: true,
    });
  });
});
