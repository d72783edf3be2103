import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { receipts } from "@/db/schema";
import { env } from "@/lib/env";
import { writeOrder } from "@/lib/orders/write-order";
import { startMailCatcher, type CaughtMail, type MailCatcher } from "@/scripts/lib/mail-catcher";
import { createLiveSale, createUsers, sleep } from "@/test/support/fixtures";
import { createReceiptSender } from "./sender";
import { smtpSettings } from "./smtp-settings";

/**
 * Receipts on the real PostgreSQL and a real SMTP server (the mail catcher), with the sender
 * killed by SIGKILL in a process of its own where a crash is the point.
 */

let catcher: MailCatcher;
beforeAll(async () => {
  catcher = await startMailCatcher({ httpPort: null });
});
afterAll(async () => {
  await catcher.close();
});

const settingsFor = (smtpUrl: string, extra: Record<string, string> = {}) =>
  smtpSettings({ ...env(), SMTP_HOST: undefined, SMTP_URL: smtpUrl, ...extra })!;

const senderFor = (smtpUrl: string) =>
  createReceiptSender({
    settings: settingsFor(smtpUrl),
    databaseUrl: env().DATABASE_URL!,
    publicBaseUrl: "https://shop.example",
  });

async function placeOrders(n: number) {
  const { sale, product } = await createLiveSale({ stock: n });
  const users = await createUsers(n);
  const orders = users.map((userId) => ({
    saleId: sale.id,
    holdId: randomUUID(),
    userId,
    orderId: randomUUID(),
  }));
  for (const o of orders) expect(await writeOrder(o)).toBe("created");
  return { sale, product, orders };
}

const receiptRows = (orderIds: string[]) =>
  db().select().from(receipts).where(inArray(receipts.orderId, orderIds));

/** Messages at the catcher per order: every test's orders are its own. */
const caughtFor = (orderId: string) =>
  catcher.messages.filter((m) => m.messageId?.includes(orderId)).length;

function startChild(): ChildProcess {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(process.cwd(), "test/support/receipt-child.ts")],
    { env: { ...process.env, SMTP_URL: catcher.smtpUrl }, stdio: ["ignore", "ignore", "inherit"] },
  );
  return child;
}

async function killOn(child: ChildProcess, event: "rcpt" | "data", match: (x: unknown) => boolean) {
  await new Promise<void>((resolve) => {
    const listener = (x: unknown) => {
      if (!match(x)) return;
      catcher.events.off(event, listener);
      child.kill("SIGKILL");
      resolve();
    };
    catcher.events.on(event, listener);
  });
  await new Promise((r) => child.once("exit", r));
}

/** Runs passes of a fresh sender until every one of `orderIds` is sent (and `extra` passes more). */
async function sendAll(orderIds: string[], extra = 0) {
  const sender = senderFor(catcher.smtpUrl);
  try {
    await until(async () => {
      await sender.runOnce();
      return (await receiptRows(orderIds)).every((r) => r.status === "sent");
    });
    for (let i = 0; i < extra; i++) await sender.runOnce();
  } finally {
    await sender.close();
  }
}

async function until(cond: () => Promise<boolean>, ms = 10_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await sleep(50);
  }
  throw new Error("condition not met in time");
}

describe("receipts", () => {
  it("one receipt per order, to the buyer, with the order's Message-ID, product, total and link", async () => {
    const { product, orders } = await placeOrders(12);
    await sendAll(
      orders.map((o) => o.orderId),
      1,
    );
    for (const o of orders) {
      const mails = catcher.messages.filter(
        (m) => m.messageId === `<receipt.${o.orderId}@stampede.test>`,
      );
      expect(mails).toHaveLength(1);
      const mail = mails[0]!;
      expect(mail.to).toEqual([`${o.userId}@test.stampede`]);
      expect(mail.subject).toContain(product.name);
      expect(mail.text).toContain("$10.00");
      expect(mail.text).toContain(`https://shop.example/orders/${o.orderId}?sale=${o.saleId}`);
      expect(mail.html).toContain(
        `href="https://shop.example/orders/${o.orderId}?sale=${o.saleId}"`,
      );
    }
    const rows = await receiptRows(orders.map((o) => o.orderId));
    expect(rows.map((r) => r.recipient).sort()).toEqual(
      orders.map((o) => `${o.userId}@test.stampede`).sort(),
    );
  });

  it("a sender killed between taking a receipt and its final '.': sent once, by the next sender", async () => {
    const { orders } = await placeOrders(1);
    const { orderId, userId } = orders[0]!;
    catcher.setReplyDelay(3_000);
    const child = startChild();
    await killOn(child, "rcpt", (to) => to === `${userId}@test.stampede`);
    catcher.setReplyDelay(0);
    // PostgreSQL rolls the dead sender's transaction back as its connection drops.
    await until(async () => (await receiptRows([orderId]))[0]?.status === "pending");
    expect(caughtFor(orderId)).toBe(0);
    await sendAll([orderId]);
    expect(caughtFor(orderId)).toBe(1);
  });

  it("a sender killed after the final '.', before the server answered: recorded sent, never sent again", async () => {
    const { orders } = await placeOrders(1);
    const { orderId } = orders[0]!;
    catcher.setReplyDelay(0);
    const child = startChild();
    await killOn(child, "data", (m) => (m as CaughtMail).messageId?.includes(orderId) === true);
    expect((await receiptRows([orderId]))[0]?.status).toBe("sent");
    await sendAll([orderId], 2);
    expect(caughtFor(orderId)).toBe(1);
  });

  it("an SMTP server that cannot be reached: a clear error, and the receipt waits untouched", async () => {
    const { orders } = await placeOrders(1);
    const { orderId } = orders[0]!;
    const closed = await startMailCatcher({ httpPort: null });
    await closed.close();
    const sender = senderFor(closed.smtpUrl);
    try {
      const pass = await sender.runOnce();
      expect(pass.error).toMatch(
        new RegExp(
          `^cannot talk to the SMTP server smtp://127\\.0\\.0\\.1:${closed.smtpPort}: .*ECONNREFUSED`,
        ),
      );
      expect(pass.sent).toBe(0);
    } finally {
      await sender.close();
    }
    const [row] = await receiptRows([orderId]);
    expect(row).toMatchObject({ status: "pending", attempts: 0 });
  });

  it("a login the server refuses: says which settings to check, never the password", async () => {
    const { orders } = await placeOrders(1);
    const strict = await startMailCatcher({
      httpPort: null,
      auth: { user: "shop", pass: "right-password" },
    });
    const sender = createReceiptSender({
      settings: settingsFor(`smtp://shop:wrong-password@127.0.0.1:${strict.smtpPort}`),
      databaseUrl: env().DATABASE_URL!,
      publicBaseUrl: "https://shop.example",
    });
    try {
      const pass = await sender.runOnce();
      expect(pass.error).toContain(
        `the SMTP server smtp://shop@127.0.0.1:${strict.smtpPort} refused the login (check SMTP_USER / SMTP_PASSWORD or SMTP_URL)`,
      );
      expect(pass.error).not.toContain("wrong-password");
      expect(strict.messages).toHaveLength(0);
    } finally {
      await sender.close();
      await strict.close();
    }
    const [row] = await receiptRows([orders[0]!.orderId]);
    expect(row).toMatchObject({ status: "pending", attempts: 0 });
  });
});
