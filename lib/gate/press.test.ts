import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { createInterface } from "node:readline";
import { afterAll, describe, expect, it } from "vitest";
import { postToken } from "@/lib/http/sale-api";
import { redis, redisHandle } from "@/lib/redis/client";
import { saleKeys } from "@/lib/redis/keys";
import { createLiveSale, sleep } from "@/test/support/fixtures";
import { sessionCookieFor } from "@/test/support/hostile";
import { endAllSessions } from "@/lib/auth/session-version";
import { sessionReads } from "@/lib/auth/session-reads";
import { gate } from "./gate";
import { lineCapFor } from "./lua/sale";
import { pressWork } from "./press-work";
import { getPublicState, refreshPublicState } from "./public-state";
import { LINE_FULL_BOUND_MS, verdict } from "./sale-knowledge";

/**
 * Presses answered by the instance itself (lib/gate/press.ts, ./sale-knowledge.ts), on the real
 * Redis: the answer is the one the grant script would give, for every kind of shopper.
 */

afterAll(async () => {
  await redisHandle().close();
});

/** The line's cap for the small sales here. */
const LINE_CAP = lineCapFor(3);

type Press = { status: number; body: { status: string; token?: string } };
const pressAs = async (saleId: string, userId: string) =>
  (await postToken(saleId, { cookie: await sessionCookieFor(userId) })) as Press;

/** Shoppers set up through the grant script itself, so this process learns nothing from them. */
async function grantAll(saleId: string, users: string[]) {
  for (const u of users) await gate.grant(saleId, u);
}
async function buy(saleId: string, userId: string) {
  const st = await gate.state(saleId, userId);
  if (st.s !== "ok" || !st.hold) throw new Error(`${userId} holds nothing`);
  const r = await gate.consume(saleId, userId, st.hold);
  if (r.s !== "consumed") throw new Error(`consume: ${r.s}`);
}
/** Whether the grant script ever counted a press by this shopper (it counts every one it sees). */
const reachedRedis = async (saleId: string, userId: string) =>
  (await redis().hexists(saleKeys(saleId).presses, userId)) === 1;

const localSoldOut = () => {
  const t = pressWork().sold_out;
  return { answers: t.answers, redis: t.redisCommands };
};

describe("a sale with nothing left to give is answered by the instance", () => {
  it("line full: strangers are told sold_out without Redis; holders, buyers and shoppers in line get their own answer", async () => {
    const { sale } = await createLiveSale({ stock: 3, holdSeconds: 120 });
    const holders = [randomUUID(), randomUUID(), randomUUID()];
    const line = Array.from({ length: LINE_CAP }, () => randomUUID());
    await grantAll(sale.id, [...holders, ...line]);
    await buy(sale.id, holders[0]!);
    await refreshPublicState(sale.id);
    expect(verdict(sale.id)).toBe("sold_out");

    const before = localSoldOut();
    const strangers = Array.from({ length: 20 }, () => randomUUID());
    for (const s of strangers) expect((await pressAs(sale.id, s)).body.status).toBe("sold_out");
    expect(localSoldOut().answers - before.answers).toBe(20);
    expect(localSoldOut().redis - before.redis).toBe(0);
    for (const s of strangers) expect(await reachedRedis(sale.id, s)).toBe(false);

    expect((await pressAs(sale.id, holders[0]!)).body.status).toBe("already_purchased");
    for (const h of holders.slice(1)) {
      const r = await pressAs(sale.id, h);
      expect(r.body.status).toBe("secured");
      expect(r.body.token).toEqual(expect.any(String));
    }
    for (const u of line.slice(0, 5))
      expect((await pressAs(sale.id, u)).body.status).toBe("in_line");
  });

  it("every unit sold: final; buyers are told already_purchased, everyone else sold_out", async () => {
    const { sale } = await createLiveSale({ stock: 2, holdSeconds: 120 });
    const buyers = [randomUUID(), randomUUID()];
    const waiting = Array.from({ length: 5 }, () => randomUUID());
    await grantAll(sale.id, [...buyers, ...waiting]);
    for (const b of buyers) await buy(sale.id, b);
    await refreshPublicState(sale.id);
    // The line closed with the last hold: nothing can come back.
    expect(verdict(sale.id)).toBe("sold_out");
    await sleep(LINE_FULL_BOUND_MS + 50);
    expect(verdict(sale.id)).toBe("sold_out"); // final: no bound

    for (const b of buyers)
      expect((await pressAs(sale.id, b)).body.status).toBe("already_purchased");
    for (const w of waiting) expect((await pressAs(sale.id, w)).body.status).toBe("sold_out");
    const stranger = randomUUID();
    const kept = sessionReads.kept;
    expect((await pressAs(sale.id, stranger)).body.status).toBe("sold_out");
    expect(await reachedRedis(sale.id, stranger)).toBe(false);
    // Told once and for all: the session was read for the answer, not kept.
    expect(sessionReads.kept).toBe(kept);
  });

  it("a session ended since is refused on the way to Redis, and answered like anyone on the local path", async () => {
    const sold = await createLiveSale({ stock: 1, holdSeconds: 120 });
    const open = await createLiveSale({ stock: 5, holdSeconds: 120 });
    const buyer = randomUUID();
    await grantAll(sold.sale.id, [buyer]);
    await buy(sold.sale.id, buyer);
    await refreshPublicState(sold.sale.id);
    expect(verdict(sold.sale.id)).toBe("sold_out");
    const shopper = randomUUID();
    const cookie = await sessionCookieFor(shopper); // made at version 0
    await endAllSessions(shopper);
    // Answered sold_out, not 401: the local answer did not ask for the session's version.
    const local = (await postToken(sold.sale.id, { cookie })) as Press;
    expect(local.body.status).toBe("sold_out");
    const granted = (await postToken(open.sale.id, { cookie })) as Press;
    expect(granted.status).toBe(401);
    expect(await reachedRedis(open.sale.id, shopper)).toBe(false);
  });

  it("a unit that comes back is offered again: at once with the line empty, within the bound with it full", async () => {
    const { sale } = await createLiveSale({ stock: 1, holdSeconds: 2 });
    const holder = randomUUID();
    await grantAll(sale.id, [holder]);
    await refreshPublicState(sale.id);
    // A hold outstanding and room in the line: nothing to refuse.
    expect(verdict(sale.id)).toBeNull();

    // The hold expires with the line empty: the next new shopper is offered the unit.
    const first = await gate.state(sale.id, holder);
    if (first.s !== "ok" || !first.exp) throw new Error("no hold");
    await sleep(Math.max(0, first.exp - Date.now()) + 20);
    const newcomer = randomUUID();
    expect((await pressAs(sale.id, newcomer)).body.status).toBe("secured");

    // The line at its cap: now the instance refuses strangers itself, until the hold expires.
    await grantAll(
      sale.id,
      Array.from({ length: LINE_CAP }, () => randomUUID()),
    );
    await refreshPublicState(sale.id);
    expect(verdict(sale.id)).toBe("sold_out");
    expect((await pressAs(sale.id, randomUUID())).body.status).toBe("sold_out");
    const held = await gate.state(sale.id, newcomer);
    if (held.s !== "ok" || !held.exp) throw new Error("no hold");
    await sleep(Math.max(0, held.exp - Date.now()) + 20);
    // Past the expiry the refusal is over (its bound never outlives the first hold): the unit goes
    // to the line's head, and a newcomer is offered the place that frees.
    expect(verdict(sale.id)).not.toBe("sold_out");
    expect((await pressAs(sale.id, randomUUID())).body.status).toBe("in_line");
  });

  it("an ended sale answers ended, then without Redis", async () => {
    const now = Date.now();
    const { sale } = await createLiveSale({
      startsAt: new Date(now - 60_000),
      endsAt: new Date(now - 1_000),
    });
    expect((await pressAs(sale.id, randomUUID())).body.status).toBe("ended");
    await getPublicState(sale.id);
    expect(verdict(sale.id)).toBe("ended");
    const late = randomUUID();
    expect((await pressAs(sale.id, late)).body.status).toBe("ended");
    expect(await reachedRedis(sale.id, late)).toBe(false);
  });
});

type Child = { send: (c: object) => Promise<unknown>; stop: () => void };
async function startChild(): Promise<Child> {
  const script = path.join(process.cwd(), "test/support/press-child.ts");
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    env: process.env,
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout });
  const queue: ((line: string) => void)[] = [];
  lines.on("line", (line) => queue.shift()?.(line));
  const next = () => new Promise<string>((resolve) => queue.push(resolve));
  const ready = await Promise.race([
    next(),
    new Promise<string>((_, reject) =>
      child.once("exit", (code) => reject(new Error(`press child exited with ${code}`))),
    ),
  ]);
  expect(ready).toBe("ready");
  return {
    send: async (c) => {
      const reply = next();
      child.stdin.write(`${JSON.stringify(c)}\n`);
      return JSON.parse(await reply) as unknown;
    },
    stop: () => child.kill(),
  };
}

describe("two instances sharing one Redis", () => {
  it("agree on every shopper's answer, each answering strangers itself", async () => {
    const { sale } = await createLiveSale({ stock: 3, holdSeconds: 120 });
    const holders = [randomUUID(), randomUUID(), randomUUID()];
    const line = Array.from({ length: LINE_CAP }, () => randomUUID());
    await grantAll(sale.id, [...holders, ...line]);
    await buy(sale.id, holders[0]!);
    const child = await startChild();
    try {
      const shoppers = [...holders, ...line.slice(0, 3), ...Array.from({ length: 10 }, randomUUID)];
      const expected = [
        "already_purchased",
        "secured",
        "secured",
        "in_line",
        "in_line",
        "in_line",
        ...Array<string>(10).fill("sold_out"),
      ];
      const workBefore = (await child.send({ work: true })) as ReturnType<typeof pressWork>;
      await child.send({ state: sale.id });
      await refreshPublicState(sale.id);
      const here: string[] = [];
      const there: string[] = [];
      for (const s of shoppers) {
        const cookie = await sessionCookieFor(s);
        here.push((await pressAs(sale.id, s)).body.status);
        there.push(((await child.send({ press: sale.id, cookie })) as Press).body.status);
      }
      expect(here).toEqual(expected);
      expect(there).toEqual(expected);
      // Both answered the ten strangers themselves: none of their presses reached the grant script.
      for (const s of shoppers.slice(6)) expect(await reachedRedis(sale.id, s)).toBe(false);
      const work = (await child.send({ work: true })) as ReturnType<typeof pressWork>;
      expect(work.sold_out.answers - workBefore.sold_out.answers).toBe(10);
      expect(work.sold_out.redisCommands - workBefore.sold_out.redisCommands).toBe(0);
    } finally {
      child.stop();
    }
  });
});
