import type { DrillContext, DrillDefinition } from "../run";
import { GROUP } from "@/lib/orders/outbox";

/**
 * The outbox worker SIGKILLed with purchases pending, twice. PostgreSQL goes away (through the
 * proxy), so checkouts answer "received" and the worker holds their entries, unacked. Worker 1
 * is killed holding them; PostgreSQL comes back; worker 2 takes them over (XAUTOCLAIM, 3 s idle)
 * and is killed in the middle of writing them; worker 3 takes over what worker 2 left and
 * finishes. Every "received" order must land exactly once.
 */

const CLAIM_IDLE_MS = 3_000;
const workerArgs = (name: string) => ["--consumer", name, "--claim-idle-ms", String(CLAIM_IDLE_MS)];

export const killWorker: DrillDefinition = {
  name: "kill-worker",
  title: "the outbox worker killed with entries pending, and again mid-batch",
  stack: { instances: 2, workers: 1, pgProxy: true, workerArgs: workerArgs("drill-worker-1") },
  size: { quick: [300, 200], full: [2_000, 1_300] },
  async fault(ctx: DrillContext) {
    const { cluster, pgProxy } = ctx.stack;
    const { redis, keys } = ctx;
    const pendingOf = async (consumer: string) => {
      const p = await redis.xPending(keys.outbox, GROUP).catch(() => null);
      return Number(p?.consumers?.find((c) => c.name === consumer)?.deliveriesCounter ?? 0);
    };
    await ctx.until(() => ctx.herd.progress().clicked >= ctx.shoppers * 0.15, 30_000);
    ctx.note('PostgreSQL unreachable: checkouts answer "received", worker 1 cannot write');
    await pgProxy!.down();
    const target = ctx.quick ? 20 : 100;
    await ctx.until(async () => (await pendingOf("drill-worker-1")) >= target, 20_000, 200);
    const held1 = await pendingOf("drill-worker-1");
    ctx.note(`SIGKILL worker 1 holding ${held1} unacked entries`);
    const w1 = cluster.workers[0]!;
    w1.child.kill("SIGKILL");
    await w1.exited;
    await ctx.sleep(1_000);
    await pgProxy!.up();
    ctx.note(`PostgreSQL back (${await ctx.ordersInPg()} orders); starting worker 2`);

    const w2 = cluster.startWorker(workerArgs("drill-worker-2"));
    // Kill it while it writes: it has claimed a batch and acked about a quarter of it (one ack
    // per order written).
    let claimed = 0;
    let midBatch = false;
    await ctx.until(
      async () => {
        const held = await pendingOf("drill-worker-2");
        claimed = Math.max(claimed, held);
        midBatch = held > 0 && held <= claimed * 0.75;
        return midBatch || (claimed > 0 && held === 0);
      },
      30_000,
      5,
    );
    w2.child.kill("SIGKILL");
    await w2.exited;
    const held2 = await pendingOf("drill-worker-2");
    ctx.note(
      `SIGKILL worker 2 ${midBatch ? "mid-batch" : "after its batch"}: claimed ${claimed}, wrote ${claimed - held2}, left ${held2} unacked`,
    );
    await ctx.sleep(500);
    cluster.startWorker(workerArgs("drill-worker-3"));
    ctx.note("worker 3 started: claims what workers 1 and 2 left once idle 3 s");
    const notes = midBatch
      ? []
      : ["worker 2 finished its batch before the kill landed (not mid-batch this time)"];
    const problems = held1 === 0 ? ["worker 1 held no entries when it was killed"] : [];
    return { problems, notes };
  },
};
