import { afterEach, describe, expect, it, vi } from "vitest";
import { inAnHour, SALT, seal, sealNow, secret, userOf } from "@/test/support/session-seal";
import { keepSession, keptSession, SESSIONS_MAX, type KeptSession } from "./session-cache";
import { sessionReads } from "./session-reads";

/** Sessions kept by the read (./session-cache.ts), as the read and its counts show them. */

describe("the session read keeps the sessions it has read", () => {
  afterEach(() => void vi.useRealTimers());

  it("answers a cookie it has read from memory, with the same user", async () => {
    const jwe = await seal({ sub: "returning", role: "merchant" });
    const { decrypted, remembered } = sessionReads;
    const first = await userOf(`${SALT}=${jwe}`);
    const again = await userOf(`x=1; ${SALT}=${jwe}`);
    expect(first).toEqual({ id: "returning", role: "merchant", sv: 0 });
    expect(again).toEqual(first);
    expect(sessionReads.decrypted - decrypted).toBe(1);
    expect(sessionReads.remembered - remembered).toBe(1);
  });

  it("refuses a kept session once its exp has passed, and forgets it", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const exp = inAnHour();
    const jwe = sealNow({ sub: "short-lived", exp });
    expect(await userOf(`${SALT}=${jwe}`)).toEqual({
      id: "short-lived",
      role: "shopper",
      sv: 0,
    });
    const kept = sessionReads.kept;
    vi.setSystemTime(exp * 1000 - 1); // the last moment it is valid (./session-claims.ts)
    expect(await userOf(`${SALT}=${jwe}`)).toEqual({
      id: "short-lived",
      role: "shopper",
      sv: 0,
    });
    vi.setSystemTime(exp * 1000);
    expect(await userOf(`${SALT}=${jwe}`)).toBeNull();
    expect(sessionReads.kept).toBe(kept - 1);
    expect(await userOf(`${SALT}=${jwe}`)).toBeNull(); // and a fresh decrypt agrees
  });

  it("keeps no cookie that is not a session, none without exp, and none under another name", async () => {
    const kept = sessionReads.kept;
    const jwe = await seal({ sub: "victim" });
    const [h, , iv, ct, tag] = jwe.split(".") as [string, string, string, string, string];
    const forged = [h, "", iv, (ct[0] === "A" ? "B" : "A") + ct.slice(1), tag].join(".");
    for (const header of [
      `${SALT}=${forged}`,
      `${SALT}=a.b.c.d.e`,
      `${SALT}=${sealNow({ sub: "no-exp" })}`,
    ])
      await userOf(header);
    expect(await userOf(`${SALT}=${sealNow({ sub: "no-exp" })}`)).toEqual({
      id: "no-exp",
      role: "shopper",
      sv: 0,
    });
    expect(sessionReads.kept).toBe(kept);
    // Read under its own name, then offered under the secure name (another salt): refused.
    expect(await userOf(`${SALT}=${jwe}`)).toMatchObject({ id: "victim" });
    expect(await userOf(`__Secure-${SALT}=${jwe}`)).toBeNull();
  });

  it("counts what it refused: forged, expired (kept or not) and foreign cookies", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const { refused, decrypted } = sessionReads;
    const exp = inAnHour();
    const jwe = sealNow({ sub: "counted", exp });
    await userOf(`${SALT}=${jwe}`);
    await userOf(`${SALT}=${jwe.slice(0, -2)}AA`); // forged tag
    await userOf(
      `${SALT}=${await seal({ sub: "x" }, undefined, "another-secret-0123456789abcdef")}`,
    );
    vi.setSystemTime(exp * 1000 + 1);
    await userOf(`${SALT}=${jwe}`); // kept, now expired
    await userOf(`${SALT}=${sealNow({ sub: "late", exp })}`); // never kept, expired
    await userOf("other=1"); // no session cookie: not a read
    expect(sessionReads.decrypted - decrypted).toBe(1);
    expect(sessionReads.refused - refused).toBe(4);
  });

  it("keeps at most SESSIONS_MAX: sessions not read again go, sessions in use stay", async () => {
    const exp = inAnHour();
    const idle = sealNow({ sub: "idle", exp });
    const active = sealNow({ sub: "active", exp });
    await userOf(`${SALT}=${idle}`);
    await userOf(`${SALT}=${active}`);
    // Other shoppers' sessions, kept as a read keeps them (decrypting 100,000 adds nothing here).
    const other = (i: number): KeptSession => ({
      user: { id: `s${i}`, role: "shopper", sv: 0 },
      expS: exp,
      name: SALT,
      secret: secret(),
      ticketMac: undefined,
    });
    const now = Date.now();
    let most = 0;
    for (let i = 0; i < SESSIONS_MAX; i++) {
      keepSession(`other-session-${i}`, other(i), now);
      if (i % 1000 === 0) {
        const kept = sessionReads.kept;
        await userOf(`${SALT}=${active}`); // a shopper still pressing
        expect(sessionReads.kept).toBe(kept); // found, not kept twice
      }
      most = Math.max(most, sessionReads.kept);
    }
    expect(most).toBe(SESSIONS_MAX);
    expect(keptSession("other-session-0", SALT, secret(), now)).toBeUndefined(); // the oldest went
    expect(keptSession(`other-session-${SESSIONS_MAX - 1}`, SALT, secret(), now)?.user.id).toBe(
      `s${SESSIONS_MAX - 1}`,
    );
    const { decrypted, remembered } = sessionReads;
    expect(await userOf(`${SALT}=${active}`)).toEqual({
      id: "active",
      role: "shopper",
      sv: 0,
    });
    expect(sessionReads.remembered - remembered).toBe(1); // still kept
    expect(await userOf(`${SALT}=${idle}`)).toEqual({ id: "idle", role: "shopper", sv: 0 });
    expect(sessionReads.decrypted - decrypted).toBe(1); // it had been dropped: read again
  });
});
