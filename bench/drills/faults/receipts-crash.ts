import type { CaughtMail } from "@/scripts/lib/mail-catcher";
import type { DrillContext, DrillDefinition } from "../run";

/**
 * The outbox worker SIGKILLed while it sends receipts, again and again, and started afresh each
 * time. The kills land at the moments that matter, read off the SMTP server (the drill's mail
 * catcher): as a receipt's envelope arrives (the worker holds the receipt, the server has no
 * message yet: it must be sent again, once), as a message's final "." arrives (the server has it,
 * the worker has not heard back: it must not be sent again), and a few milliseconds after an
 * envelope (anywhere in between). At the end every order must have exactly one receipt at the
 * server, counted by Message-ID, and none that is not an order's.
 */

const CLAIM_IDLE_MS = 3_000;
const KINDS = ["envelope", "final-dot", "anywhere"] as const;
type Kind = (typeof KINDS)[number];

export const receiptsCrash: DrillDefinition = {
  name: "receipts-crash",
  title: "the outbox worker killed (SIGKILL) mid-send of the receipts, again and again",
  stack: {
    instances: 1,
    workers: 1,
    mail: { replyDelayMs: 15 },
    workerArgs: ["--claim-idle-ms", String(CLAIM_IDLE_MS)],
  },
  size: { quick: [260, 200], full: [900, 600] },
  async fault(ctx: DrillContext) {
    const { cluster, mail } = ctx.stack;
    const events = mail!.events;
    const kills = ctx.quick ? 6 : 12;
    const done: Record<Kind, number> = { envelope: 0, "final-dot": 0, anywhere: 0 };
    let worker = cluster.workers[0]!;

    // Kills spread over the whole send: each worker sends its share before the next is armed.
    const share = Math.floor(ctx.stock / (kills + 1));
    for (let i = 0; i < kills; i++) {
      const kind = KINDS[i % KINDS.length]!;
      const target = Math.min(ctx.stock - 1, (i + 1) * share);
      await ctx.until(() => mail!.messages.length >= target, 60_000, 20);
      // The next moment of that kind, from a worker that has had time to start sending.
      const landed = await new Promise<boolean>((resolve) => {
        const event = kind === "final-dot" ? "data" : "rcpt";
        const timer = setTimeout(() => (events.off(event, hit), resolve(false)), 15_000);
        function hit() {
          events.off(event, hit);
          clearTimeout(timer);
          if (kind === "anywhere") setTimeout(() => resolve(true), Math.random() * 20);
          else resolve(true);
        }
        events.on(event, hit);
      });
      if (!landed) {
        ctx.note(`no receipt on its way for 15 s: stopped after ${i} kills`);
        break;
      }
      worker.child.kill("SIGKILL");
      await worker.exited;
      done[kind]++;
      ctx.note(
        `SIGKILL the worker at ${kind === "envelope" ? "an envelope" : kind === "final-dot" ? "a final '.'" : "a random moment"} (${mail!.messages.length} receipts caught)`,
      );
      await ctx.sleep(200);
      worker = cluster.startWorker();
    }

    await ctx.herd.done;
    const sold = await ctx.ordersInPg();
    const allSent = await ctx.until(
      async () => {
        const { rows } = await ctx.stack.db.query(
          `select count(*)::int as receipts, count(*) filter (where r.status = 'sent')::int as sent
           from receipts r join orders o on o.id = r.order_id where o.sale_id = $1`,
          [ctx.saleId],
        );
        const r = rows[0] as { receipts: number; sent: number };
        return r.receipts === sold && r.sent === sold && sold === (await ctx.ordersInPg());
      },
      90_000,
      250,
    );
    await ctx.sleep(1_000);
    const { rows } = await ctx.stack.db.query(
      `select r.message_id from receipts r join orders o on o.id = r.order_id where o.sale_id = $1`,
      [ctx.saleId],
    );
    const expected = new Set((rows as { message_id: string }[]).map((r) => r.message_id));
    const c = countByMessageId(mail!.messages, expected);
    const problems = [
      ...(allSent ? [] : [`receipts still unsent 90 s after the herd`]),
      ...(done.envelope + done["final-dot"] + done.anywhere < kills
        ? [
            `only ${done.envelope + done["final-dot"] + done.anywhere} of ${kills} kills landed mid-send`,
          ]
        : []),
      ...(c.missing.length
        ? [`${c.missing.length} orders have no receipt (e.g. ${c.missing[0]})`]
        : []),
      ...(c.twice.length
        ? [`${c.twice.length} receipts arrived more than once (e.g. ${c.twice[0]})`]
        : []),
      ...(c.stray.length ? [`${c.stray.length} messages are no order's receipt`] : []),
    ];
    const notes = [
      `receipts: ${sold} orders, ${mail!.messages.length} messages at the SMTP server, ${expected.size - c.missing.length - c.twice.length} Message-IDs exactly once, ${c.missing.length} missing, ${c.twice.length} twice; kills: ${done.envelope} at an envelope, ${done["final-dot"]} at a final '.', ${done.anywhere} at random`,
    ];
    return { problems, notes };
  },
};

/** Messages per Message-ID against the orders' receipts. */
function countByMessageId(messages: CaughtMail[], expected: Set<string>) {
  const perId = new Map<string, number>();
  for (const m of messages) perId.set(m.messageId ?? "", (perId.get(m.messageId ?? "") ?? 0) + 1);
  const missing = [...expected].filter((id) => !perId.has(id));
  const twice = [...perId].filter(([, n]) => n > 1).map(([id]) => id);
  const stray = [...perId.keys()].filter((id) => !expected.has(id));
  return { missing, twice, stray };
}
