import { createHash } from "node:crypto";
import bcrypt from "bcryptjs";

/**
 * Password hashes. bcrypt reads at most 72 bytes of its input, so two passwords that share their
 * first 72 bytes would both sign in. New hashes are therefore bcrypt over the password's SHA-256
 * (base64: 44 ASCII bytes, no NUL), marked with PREHASHED so they are never mistaken for the
 * plain bcrypt hashes of accounts made before: those still verify as they always did, and are
 * re-hashed the new way at their next sign-in (`upgrade`).
 */

const COST = 10;
const PREHASHED = "sha256:";
// Compared against when the email is unknown, so a miss costs as long as a wrong password.
const DUMMY = `${PREHASHED}$2b$10$CwTycUXWue0Thq9StjUM0uJ8.2nXyUQz6kG9l5G0k2G4ZfM6Ww2yS`;

const prehash = (password: string) => createHash("sha256").update(password).digest("base64");

export const hashPassword = async (password: string) =>
  `${PREHASHED}${await bcrypt.hash(prehash(password), COST)}`;

export type PasswordCheck = { ok: boolean; upgrade: boolean };

export async function checkPassword(
  password: string,
  hash: string | null | undefined,
): Promise<PasswordCheck> {
  const stored = hash ?? DUMMY;
  const ok = stored.startsWith(PREHASHED)
    ? await bcrypt.compare(prehash(password), stored.slice(PREHASHED.length))
    : await bcrypt.compare(password, stored);
  const valid = ok && Boolean(hash);
  return { ok: valid, upgrade: valid && !stored.startsWith(PREHASHED) };
}

export async function verifyPassword(
  password: string,
  hash: string | null | undefined,
): Promise<boolean> {
  return (await checkPassword(password, hash)).ok;
}
