import { env } from "@/lib/env";
import { createReceiptSender } from "@/lib/receipts/sender";
import { smtpSettings } from "@/lib/receipts/smtp-settings";

/**
 * A receipt sender in a process of its own, for the tests that SIGKILL it mid-send: runs passes
 * as the outbox worker's loop does, until killed. Usage: node --import tsx test/support/receipt-child.ts
 * with DATABASE_URL and SMTP_URL set.
 */
async function main() {
  const e = env();
  const sender = createReceiptSender({
    settings: smtpSettings(e)!,
    databaseUrl: e.DATABASE_URL!,
    publicBaseUrl: "http://shop.test",
  });
  for (;;) {
    const pass = await sender.runOnce();
    if (pass.error) console.error(pass.error);
    await new Promise((r) => setTimeout(r, 50));
  }
}

void main();
