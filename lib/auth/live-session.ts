import { forgetSessionOf, readSession, type SessionRead } from "./session-cookie";
import type { SessionUser } from "./session-claims";
import { isCurrentSession } from "./session-version";

/**
 * The sale API's session reads: the cookie read (lib/auth/session-cookie.ts: kept session, lane
 * ticket or decrypt), then whether that session has been ended since, by sign-out or a password
 * change (lib/auth/session-version.ts; its version is kept in-process for a few seconds). A kept
 * session found ended is dropped, so it is kept no longer than that version copy is.
 */

export async function readLiveSession(
  header: string | null | undefined,
  sendTicket = false,
): Promise<SessionRead | null> {
  const read = await readSession(header, { sendTicket });
  if (!read) return null;
  if (await isCurrentSession(read.user.id, read.user.sv)) return read;
  forgetSessionOf(header);
  return null;
}

export async function liveUserFromCookieHeader(
  header: string | null | undefined,
): Promise<SessionUser | null> {
  return (await readLiveSession(header))?.user ?? null;
}
