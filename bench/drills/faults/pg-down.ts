import type { DrillContext, DrillDefinition } from "../run";

/**
 * PostgreSQL unreachable in the middle of checkout, then back: the TCP proxy between the shop and
 * PostgreSQL refuses new connections and resets live ones (the shared server keeps running).
 * Buy Now needs only Redis and carries on; checkout consumes the hold in Redis and answers
 * "received"; the outbox worker writes those orders once PostgreSQL is back.
 */
export const pgDown: DrillDefinition = {
  name: "pg-down",
  title: "PostgreSQL unreachable during checkout, then back",
  stack: { instances: 2, workers: 1, pgProxy: true },
  size: { quick: [300, 200], full: [2_000, 1_300] },
  async fault(ctx: DrillContext) {
    const proxy = ctx.stack.pgProxy!;
    await ctx.until(() => ctx.herd.progress().clicked >= ctx.shoppers * 0.25, 30_000);
    const before = await ctx.ordersInPg();
    ctx.note(`PostgreSQL unreachable (proxy down; ${before} orders written so far)`);
    await proxy.down();
    await ctx.sleep(ctx.quick ? 5_000 : 8_000);
    const pending = await ctx.redis.xLen(ctx.keys.outbox);
    await proxy.up();
    ctx.note(`PostgreSQL back (${pending} purchases waiting in the outbox)`);
    const problems: string[] = [];
    if (pending === 0) problems.push("no checkout happened while PostgreSQL was down");
    return { problems };
  },
};
