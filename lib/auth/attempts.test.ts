import { randomInt } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { redisHandle } from "@/lib/redis/client";
import { POLICIES } from "@/lib/ratelimit/policies";
import { refuseAuthAttempt } from "./attempts";

/** Sign-in and sign-up are limited per client IP, on the real Redis, with the real policies. */

afterAll(() => redisHandle().close());

// TEST-NET-3 addresses, random per run so reruns within a window do not collide.
const ip = () => `203.0.113.${randomInt(1, 255)}`;
const headersFor = (address: string) => new Headers({ "x-forwarded-for": `10.9.8.7, ${address}` });

/** Seconds until the current fixed window ends: what Upstash's `reset` (and so Retry-After) is. */
const secondsToWindowEnd = (windowMs: number) => {
  const now = Date.now();
  return Math.ceil((Math.ceil(now / windowMs) * windowMs - now) / 1000);
};

describe("per-IP limits on sign-in and sign-up", () => {
  it("sign-in: the policy's limit passes, then a clear message with the right wait", async () => {
    const a = ip();
    const { limit } = POLICIES.signIn;
    for (let i = 0; i < limit; i++)
      expect(await refuseAuthAttempt("signIn", headersFor(a))).toBeNull();
    const expected = secondsToWindowEnd(60_000);
    const message = (await refuseAuthAttempt("signIn", headersFor(a)))?.message;
    expect(message).toMatch(/^Too many attempts, try again in \d+ s\.$/);
    const seconds = Number(/in (\d+) s/.exec(message!)![1]);
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(seconds).toBeLessThanOrEqual(60);
    expect(Math.abs(seconds - expected)).toBeLessThanOrEqual(1);

    // Another address — or the same client behind a different proxy hop — is counted apart;
    // only the last hop identifies the client, so spoofing earlier hops changes nothing.
    expect(
      await refuseAuthAttempt("signIn", headersFor(`192.0.2.${randomInt(1, 255)}`)),
    ).toBeNull();
    expect(
      await refuseAuthAttempt("signIn", new Headers({ "x-forwarded-for": `1.2.3.4, ${a}` })),
    ).toMatchObject({ message: expect.stringMatching(/^Too many attempts/) });
    expect(
      (await refuseAuthAttempt("signIn", headersFor(a)))?.retryAfterSeconds,
    ).toBeGreaterThanOrEqual(1);
  });

  it("sign-up has its own, smaller budget per IP", async () => {
    const a = `198.51.100.${randomInt(1, 255)}`;
    const { limit, window } = POLICIES.signUp;
    expect(window).toBe("10 m");
    for (let i = 0; i < limit; i++)
      expect(await refuseAuthAttempt("signUp", headersFor(a))).toBeNull();
    const message = (await refuseAuthAttempt("signUp", headersFor(a)))?.message;
    expect(message).toMatch(/^Too many attempts, try again in \d+ s\.$/);
    const seconds = Number(/in (\d+) s/.exec(message!)![1]);
    expect(Math.abs(seconds - secondsToWindowEnd(600_000))).toBeLessThanOrEqual(1);
    // Signing in from that address is a different policy, still open.
    expect(await refuseAuthAttempt("signIn", headersFor(a))).toBeNull();
  });
});
