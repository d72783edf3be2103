import { afterEach, describe, expect, it, vi } from "vitest";
import { inAnHour, SALT, seal, sealNow, secret } from "@/test/support/session-seal";
import { issueTicket, userFromTicket } from "./lane-ticket";
import { readSession } from "./session-cookie";
import { sessionReads } from "./session-reads";

/** The session read's order (kept session, lane ticket, decrypt) and the tickets it hands out. */

describe("readSession and lane tickets (./lane-ticket.ts)", () => {
  afterEach(() => void vi.useRealTimers());

  const ticketOf = (setCookie: string | undefined) =>
    /^stampede\.lane=([^;]+);/.exec(setCookie ?? "")?.[1];
  const counts = () => ({ ...sessionReads });
  const delta = (before: ReturnType<typeof counts>) => ({
    decrypted: sessionReads.decrypted - before.decrypted,
    remembered: sessionReads.remembered - before.remembered,
    ticketed: sessionReads.ticketed - before.ticketed,
    refused: sessionReads.refused - before.refused,
  });

  it("a decrypt sends a ticket back; the session kept, the ticket coming back costs no new one", async () => {
    const jwe = sealNow({ sub: "panel", exp: inAnHour() });
    const before = counts();
    const first = await readSession(`${SALT}=${jwe}`, { sendTicket: true });
    const ticket = ticketOf(first?.setCookie);
    expect(first?.user).toEqual({ id: "panel", role: "shopper", sv: 0 });
    expect(first?.setCookie).toMatch(/; Path=\/api\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/);
    expect(userFromTicket(ticket!, SALT, jwe, secret())).toEqual({
      id: "panel",
      role: "shopper",
      sv: 0,
    });
    // The browser sends it back: found kept, nothing new to send.
    expect(
      await readSession(`${SALT}=${jwe}; stampede.lane=${ticket}`, { sendTicket: true }),
    ).toEqual({
      user: first!.user,
    });
    // A client that does not keep it is sent one again by /me; a press never sends one.
    expect(ticketOf((await readSession(`${SALT}=${jwe}`, { sendTicket: true }))?.setCookie)).toBe(
      ticket,
    );
    expect(await readSession(`${SALT}=${jwe}`)).toEqual({ user: first!.user });
    expect(delta(before)).toEqual({ decrypted: 1, remembered: 3, ticketed: 0, refused: 0 });
  });

  it("a press that decrypts sends no ticket", async () => {
    const before = counts();
    const read = await readSession(`${SALT}=${sealNow({ sub: "script", exp: inAnHour() })}`);
    expect(read).toEqual({ user: { id: "script", role: "shopper", sv: 0 } });
    expect(delta(before)).toEqual({ decrypted: 1, remembered: 0, ticketed: 0, refused: 0 });
  });

  it("a read with keep: false decrypts and keeps nothing, so the next read decrypts again", async () => {
    const header = `${SALT}=${sealNow({ sub: "told-sold-out", exp: inAnHour() })}`;
    const before = counts();
    expect(await readSession(header, { keep: false })).toEqual({
      user: { id: "told-sold-out", role: "shopper", sv: 0 },
    });
    expect(sessionReads.kept).toBe(before.kept);
    expect((await readSession(header))?.user.id).toBe("told-sold-out");
    expect(delta(before)).toEqual({ decrypted: 2, remembered: 0, ticketed: 0, refused: 0 });
    expect((await readSession(header, { keep: false }))?.user.id).toBe("told-sold-out");
    expect(delta(before)).toEqual({ decrypted: 2, remembered: 1, ticketed: 0, refused: 0 });
  });

  it("a session this process never read, with its ticket, is vouched for by the ticket alone", async () => {
    const exp = inAnHour();
    const jwe = sealNow({ sub: "elsewhere", role: "merchant", exp });
    // Made by another instance, for this session.
    const t = issueTicket({ id: "elsewhere", role: "merchant", sv: 0 }, SALT, jwe, secret(), exp);
    const before = counts();
    const read = await readSession(`${SALT}=${jwe}; stampede.lane=${t!.value}`);
    expect(read).toEqual({ user: { id: "elsewhere", role: "merchant", sv: 0 } });
    expect(delta(before)).toEqual({ decrypted: 0, remembered: 0, ticketed: 1, refused: 0 });
    expect(sessionReads.kept).toBe(before.kept); // nothing kept for a ticket
  });

  it("a ticket never stands in for a session: none, another one, or one made up", async () => {
    const exp = inAnHour();
    const jwe = sealNow({ sub: "owner", exp });
    const t = issueTicket({ id: "owner", role: "shopper", sv: 0 }, SALT, jwe, secret(), exp)!.value;
    const before = counts();
    // Signed out: the session cookie is gone, the ticket is left.
    expect(await readSession(`stampede.lane=${t}`)).toBeNull();
    // Someone else signed in on this browser: their session, the old ticket.
    const next = sealNow({ sub: "next-user", exp });
    const read = await readSession(`${SALT}=${next}; stampede.lane=${t}`, { sendTicket: true });
    expect(read?.user).toEqual({ id: "next-user", role: "shopper", sv: 0 });
    expect(userFromTicket(ticketOf(read?.setCookie)!, SALT, next, secret())?.id).toBe("next-user");
    // A forged session (another's tag) beside a real ticket for the owner's: refused.
    const [h, , iv, ct, tag] = next.split(".") as [string, string, string, string, string];
    const forged = [h, "", iv, (ct[0] === "A" ? "B" : "A") + ct.slice(1), tag].join(".");
    expect(await readSession(`${SALT}=${forged}; stampede.lane=${t}`)).toBeNull();
    expect(delta(before)).toEqual({ decrypted: 1, remembered: 0, ticketed: 0, refused: 1 });
    // The documented limit (docs/threat-model.md): the ticket is bound to the session's tag, not
    // to a decrypted session. A made-up cookie that ends in the owner's tag, beside the owner's
    // ticket, is taken as the owner. Both come from the owner's cookies, the whole session.
    const [, , , , ownerTag] = jwe.split(".") as [string, string, string, string, string];
    expect((await readSession(`${SALT}=x..y.z.${ownerTag}; stampede.lane=${t}`))?.user.id).toBe(
      "owner",
    );
  });

  it("reads a ticket beside a chunked session, and only under the session's own cookie name", async () => {
    const exp = inAnHour();
    const jwe = sealNow({ sub: "chunky-ticket", exp });
    const t = issueTicket(
      { id: "chunky-ticket", role: "shopper", sv: 0 },
      SALT,
      jwe,
      secret(),
      exp,
    )!;
    const before = counts();
    const half = Math.floor(jwe.length / 2);
    expect(
      await readSession(
        `${SALT}.0=${jwe.slice(0, half)}; ${SALT}.1=${jwe.slice(half)}; stampede.lane=${t.value}`,
      ),
    ).toEqual({ user: { id: "chunky-ticket", role: "shopper", sv: 0 } });
    expect(delta(before)).toEqual({ decrypted: 0, remembered: 0, ticketed: 1, refused: 0 });
    // A secure session reads `__Secure-stampede.lane`: the plain ticket is not even looked at,
    // and this one was made for the plain name anyway.
    const secure = await seal({ sub: "chunky-ticket" }, 3600, secret(), `__Secure-${SALT}`);
    const secureTicket = issueTicket(
      { id: "chunky-ticket", role: "shopper", sv: 0 },
      `__Secure-${SALT}`,
      secure,
      secret(),
      exp,
    )!;
    expect(
      await readSession(`__Secure-${SALT}=${secure}; stampede.lane=${secureTicket.value}`),
    ).toEqual({
      user: { id: "chunky-ticket", role: "shopper", sv: 0 },
    });
    expect(delta(before)).toEqual({ decrypted: 1, remembered: 0, ticketed: 1, refused: 0 });
    expect(
      await readSession(`__Secure-${SALT}=${secure}; __Secure-stampede.lane=${secureTicket.value}`),
    ).toEqual({ user: { id: "chunky-ticket", role: "shopper", sv: 0 } });
    expect(delta(before)).toEqual({ decrypted: 1, remembered: 1, ticketed: 1, refused: 0 });
  });

  it("a kept session with another instance's valid ticket: /me sends none, then knows it", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const exp = Math.floor(Date.now() / 1000) + 7 * 24 * 3600; // longer than a ticket lives
    const jwe = sealNow({ sub: "roaming", exp });
    const mine = await readSession(`${SALT}=${jwe}`, { sendTicket: true }); // kept here, with this process's ticket
    vi.setSystemTime(Date.now() + 5_000); // another instance made its ticket 5 s later
    const theirs = issueTicket(
      { id: "roaming", role: "shopper", sv: 0 },
      SALT,
      jwe,
      secret(),
      exp,
    )!;
    expect(ticketOf(mine?.setCookie)).not.toBe(theirs.value);
    const before = counts();
    expect(
      await readSession(`${SALT}=${jwe}; stampede.lane=${theirs.value}`, { sendTicket: true }),
    ).toEqual({
      user: { id: "roaming", role: "shopper", sv: 0 },
    });
    expect(
      (await readSession(`${SALT}=${jwe}; stampede.lane=${theirs.value}`, { sendTicket: true }))
        ?.setCookie,
    ).toBe(undefined);
    // A made-up one is replaced.
    const made = `${theirs.value.slice(0, -1)}${theirs.value.endsWith("A") ? "E" : "A"}`;
    expect(
      (await readSession(`${SALT}=${jwe}; stampede.lane=${made}`, { sendTicket: true }))?.setCookie,
    ).toBeDefined();
    expect(delta(before)).toEqual({ decrypted: 0, remembered: 3, ticketed: 0, refused: 0 });
  });

  it("an expired or foreign ticket falls back to the session, which makes a fresh one", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const exp = inAnHour();
    const jwe = sealNow({ sub: "late", exp });
    const soon = issueTicket(
      { id: "late", role: "shopper", sv: 0 },
      SALT,
      jwe,
      secret(),
      exp - 1800,
    )!;
    const foreign = issueTicket(
      { id: "late", role: "shopper", sv: 0 },
      SALT,
      jwe,
      "another-secret-0123456789",
      exp,
    )!;
    vi.setSystemTime((exp - 1800) * 1000);
    const before = counts();
    const read = await readSession(`${SALT}=${jwe}; stampede.lane=${soon.value}`, {
      sendTicket: true,
    });
    expect(read?.user.id).toBe("late");
    expect(read?.setCookie).toContain("Max-Age=1800;");
    expect(
      (await readSession(`${SALT}=${jwe}; stampede.lane=${foreign.value}`, { sendTicket: true }))
        ?.setCookie,
    ).toBeDefined();
    expect(delta(before)).toEqual({ decrypted: 1, remembered: 1, ticketed: 0, refused: 0 });
  });

  it("a session without exp gets no ticket (and is not kept)", async () => {
    const read = await readSession(`${SALT}=${sealNow({ sub: "no-exp" })}`, { sendTicket: true });
    expect(read).toEqual({ user: { id: "no-exp", role: "shopper", sv: 0 } });
  });
});
