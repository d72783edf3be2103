import { createClient } from "redis";
import type { DrillContext, DrillDefinition } from "../run";
import { nodeProcess, roleOf, shardOf } from "../redis-cluster";

/**
 * The shard holding the sale dies mid-drop: the shop runs on a three-master Redis Cluster (one
 * replica each, cluster-node-timeout 2 s); while the herd presses, the master that serves the
 * sale's slot is SIGKILLed, its replica is promoted, and the dead node is started again and
 * rejoins as the new master's replica. Replication is asynchronous, so writes the old master made
 * just before it died may be missing on the new one: the drill reads the sale's counters on the
 * master just before the kill and on the promoted replica just after, and prints the difference.
 * The promise (docs/operations.md) is that none of it was ever told to a shopper: "secured",
 * "confirmed" and "received" are answered only after WAIT saw the write on a replica. The usual
 * end-of-drill check then proves no oversell and every promise kept.
 */

type Counters = { sold: number; holds: number; holdIds: number; outbox: number; buyers: number };

async function counters(ctx: DrillContext): Promise<Counters> {
  const { redis, keys } = ctx;
  const [sold, holds, holdIds, outbox, buyers] = await Promise.all([
    redis.get(keys.sold),
    redis.zCard(keys.holds),
    redis.hGet(keys.seq, "holds"),
    redis.xLen(keys.outbox),
    redis.hLen(keys.buyers),
  ]);
  return {
    sold: Number(sold ?? 0),
    holds,
    holdIds: Number(holdIds ?? 0),
    outbox,
    buyers,
  };
}

const show = (c: Counters) =>
  `sold ${c.sold}, held ${c.holds}, holds ever made ${c.holdIds}, buyers ${c.buyers}, outbox ${c.outbox}`;

export const shardFailover: DrillDefinition = {
  name: "shard-failover",
  title: "The Redis Cluster master holding the sale killed mid-drop; its replica promoted",
  stack: { instances: 2, workers: 1, redisCluster: true },
  size: { quick: [400, 250], full: [2_000, 1_300] },
  async fault(ctx) {
    const { stack } = ctx;
    const seeds = stack.redisCluster!.nodes;
    await ctx.until(() => ctx.herd.progress().clicked >= ctx.shoppers * 0.3, 30_000);
    const shard = await shardOf(seeds, ctx.keys.meta);
    const replica = shard.replicas[0];
    if (!replica) return { problems: [`the sale's master ${shard.master} has no replica`] };
    const victim = await nodeProcess(shard.master);
    const before = await counters(ctx);
    process.kill(victim.pid, "SIGKILL");
    const killedAt = Date.now();
    ctx.note(
      `SIGKILL master ${shard.master} (slot ${shard.slot}); on it just before: ${show(before)}`,
    );

    const promoted = await ctx.until(
      async () => (await roleOf(replica))?.role === "master",
      20_000,
      100,
    );
    if (!promoted) return { problems: [`replica ${replica} was not promoted within 20 s`] };
    ctx.note(`replica ${replica} promoted after ${Date.now() - killedAt} ms`);
    const old = ctx.redis;
    ctx.redis = createClient({ url: `redis://${replica}`, RESP: 2 });
    ctx.redis.on("error", () => {});
    await ctx.redis.connect();
    // destroy, not quit: QUIT to a dead node would wait for it forever.
    old.destroy();
    const after = await counters(ctx);
    ctx.note(`on the promoted replica: ${show(after)}`);

    // A replica again for the new master: without one, WAIT cannot succeed and the sale would
    // answer "unavailable" (its promise) until an operator added one.
    await victim.restart();
    const rejoined = await ctx.until(
      async () => ((await roleOf(replica))?.replicas ?? 0) >= 1,
      30_000,
      200,
    );
    ctx.note(
      rejoined
        ? `${shard.master} restarted and rejoined as ${replica}'s replica after ${Date.now() - killedAt} ms`
        : `${shard.master} did not rejoin as a replica within 30 s`,
    );

    const lost = {
      holds: Math.max(0, before.holdIds - after.holdIds),
      sales: Math.max(0, before.sold - after.sold),
    };
    const notes = [
      `lost in the failover (acknowledged by the dead master, never replicated): ${lost.holds} holds made, ${lost.sales} units sold; no shopper was told of any of them (WAIT came first), so each such shopper got 503 + Retry-After and pressed or checked out again`,
      `recovered: the promoted replica carried on from sold ${after.sold}; the end-of-drill check below compares every answer shoppers got with PostgreSQL`,
    ];
    return { notes, problems: rejoined ? [] : [`${shard.master} did not rejoin as a replica`] };
  },
};
