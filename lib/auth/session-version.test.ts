import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { env } from "@/lib/env";
import { readLiveSession } from "./live-session";
import { keptSession } from "./session-cache";
import {
  currentVersion,
  endAllSessions,
  isCurrentSession,
  versionForNewSession,
} from "./session-version";
import { sessionCookieFor } from "@/test/support/hostile";

/** Session versions against the real Redis: ending sessions, the in-process copy, the reads. */

describe("session versions", () => {
  it("start at 0; ending the sessions raises the version and ends every older session", async () => {
    const user = randomUUID();
    expect(await versionForNewSession(user)).toBe(0);
    expect(await isCurrentSession(user, undefined)).toBe(true); // made before versions existed
    expect(await isCurrentSession(user, 0)).toBe(true);
    await endAllSessions(user);
    // This process forgets its copy at once.
    expect(await isCurrentSession(user, 0)).toBe(false);
    expect(await isCurrentSession(user, undefined)).toBe(false);
    expect(await versionForNewSession(user)).toBe(1);
    expect(await isCurrentSession(user, 1)).toBe(true);
  });

  it("a version is read from Redis once per VERSION_TTL_MS and once at a time", async () => {
    const user = randomUUID();
    const reads = await Promise.all(Array.from({ length: 50 }, () => currentVersion(user)));
    expect(new Set(reads)).toEqual(new Set([0]));
    expect(currentVersion(user)).toBe(0); // kept: answered without a promise
  });

  it("the sale API's read refuses an ended session, by cookie and by lane ticket", async () => {
    const user = randomUUID();
    const header = await sessionCookieFor(user);
    const first = await readLiveSession(header, true);
    expect(first?.user).toMatchObject({ id: user, sv: 0 });
    expect(first?.setCookie).toBeTruthy();
    const ticket = first!.setCookie!.split(";")[0]!;
    expect(await readLiveSession(`${header}; ${ticket}`)).not.toBeNull();
    await endAllSessions(user);
    expect(await readLiveSession(header)).toBeNull();
    expect(await readLiveSession(`${header}; ${ticket}`)).toBeNull();
    // A ticket cannot claim the new version: its MAC covers the version it was made with.
    const forged = ticket.replace(`.s.0.`, `.s.1.`);
    expect(forged).not.toBe(ticket);
    expect(await readLiveSession(`${header}; ${forged}`)).toBeNull();
  });

  it("a kept session found ended is dropped from the kept ones", async () => {
    const user = randomUUID();
    const header = await sessionCookieFor(user);
    const [name = "", value = ""] = header.split("=");
    const kept = () => keptSession(value, name, env().AUTH_SECRET, Date.now());
    expect(await readLiveSession(header)).not.toBeNull();
    expect(kept()?.user.id).toBe(user);
    await endAllSessions(user);
    expect(await readLiveSession(header)).toBeNull();
    expect(kept()).toBeUndefined();
  });
});
