import { eq } from "drizzle-orm";
import { db } from "@/db";
import { getUserById } from "@/db/queries";
import { users } from "@/db/schema";
import { checkPassword, hashPassword } from "./password";
import { endAllSessions } from "./session-version";

/** Writing a password hash: a legacy hash upgraded at sign-in, and a shopper's password change. */

export async function storePassword(userId: string, password: string): Promise<void> {
  await db()
    .update(users)
    .set({ passwordHash: await hashPassword(password) })
    .where(eq(users.id, userId));
}

export type PasswordChange = { ok: true; email: string } | { ok: false; wrongCurrent: true };

/**
 * Sets a new password when `current` is right, then ends every session of the user (the caller
 * signs this browser in again). The new password has passed the strength check already.
 */
export async function changePassword(
  userId: string,
  current: string,
  next: string,
): Promise<PasswordChange> {
  const user = await getUserById(userId);
  if (!user || !(await checkPassword(current, user.passwordHash)).ok)
    return { ok: false, wrongCurrent: true };
  await storePassword(userId, next);
  await endAllSessions(userId);
  return { ok: true, email: user.email };
}
