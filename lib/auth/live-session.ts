import { readSession, type SessionRead, type SessionUser } from "./session-cookie";
import { isCurrentSession } from "./session-version";

/**
 * The sale API's session reads: the cookie read (lib/auth/session-cookie.ts: kept session, lane
 * ticket or decrypt), then whether that session has been ended since, by sign-out or a password
 * change (lib/auth/session-version.ts; its version is kept in-process for a few seconds).
 */

export async function readLiveSession(
  header: string | null | undefined,
  sendTicket = false,
): Promise<SessionRead | null> {
  const read = readSession(header, sendTicket);
  if (!read || !(await isCurrentSession(read.user.id, read.user.sv))) return null;
  return read;
}

export async function liveUserFromCookieHeader(
  header: string | null | undefined,
): Promise<SessionUser | null> {
  return (await readLiveSession(header))?.user ?? null;
}
