import bcrypt from "bcryptjs";

const COST = 10;
// Compared against when the email is unknown, so a miss costs as long as a wrong password.
const DUMMY = "$2b$10$CwTycUXWue0Thq9StjUM0uJ8.2nXyUQz6kG9l5G0k2G4ZfM6Ww2yS";

export const hashPassword = (password: string) => bcrypt.hash(password, COST);

export async function verifyPassword(
  password: string,
  hash: string | null | undefined,
): Promise<boolean> {
  const ok = await bcrypt.compare(password, hash ?? DUMMY);
  return ok && Boolean(hash);
}
