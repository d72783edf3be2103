import type { CaughtMail } from "@/scripts/lib/mail-catcher";
import { mailReaderUrl } from "./env";

/** The mail the shop sent to `address`, as the test's SMTP server (serve.ts) caught it. */
export async function mailTo(address: string): Promise<CaughtMail[]> {
  const res = await fetch(`${mailReaderUrl}/api/messages`);
  if (!res.ok) throw new Error(`the mail catcher answered ${res.status}`);
  return ((await res.json()) as CaughtMail[]).filter((m) => m.to.includes(address));
}
