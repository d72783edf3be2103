import type { DrillContext, DrillDefinition } from "../run";

/**
 * Redis, with its append-only file fsynced every second, restarted in the middle of the sale:
 * stopped (SHUTDOWN, which writes the AOF out) and started again on the same port and directory
 * 2.5 s later. While it is gone every Buy Now, state read and checkout must be answered 503 +
 * Retry-After at once; afterwards the gate must be exactly where it was — no hold, sale or order
 * lost — and the sale carries on. With `crash` it is SIGKILLed instead: Redis writes the AOF
 * (write(2), not fsync) before it replies, so a killed process loses nothing it acknowledged;
 * the second that everysec can lose is a machine crash's (power, kernel), which no drill here
 * plays. The check after the restart is the same either way.
 */
export function redisRestart(how: "shutdown" | "crash" = "shutdown"): DrillDefinition {
  return {
    name: how === "crash" ? "redis-crash" : "redis-restart",
    title:
      how === "crash"
        ? "Redis killed (SIGKILL) mid-sale and started again from its AOF (everysec)"
        : "Redis restarted mid-sale (AOF, fsync every second)",
    stack: { instances: 2, workers: 1, aof: true },
    size: { quick: [300, 200], full: [2_000, 1_300] },
    async fault(ctx: DrillContext) {
      const { herd, stack, redis } = ctx;
      await ctx.until(() => herd.progress().clicked >= ctx.shoppers * 0.35, 30_000);
      const gate = async () => {
        const [sold, holds] = await Promise.all([
          redis.get(ctx.keys.sold),
          redis.zCard(ctx.keys.holds),
        ]);
        return { sold: Number(sold ?? 0), holds };
      };
      const before = await gate();
      ctx.note(
        `Redis ${how === "crash" ? "SIGKILL" : "SHUTDOWN"} (sold ${before.sold}, held ${before.holds})`,
      );
      await stack.redis!.stop(how);
      await ctx.sleep(2_500);
      await stack.redis!.start();
      await ctx.until(() => redis.isReady, 10_000);
      const after = await gate();
      ctx.note(`Redis back from its AOF; sold now ${after.sold} (≥ ${before.sold} at the stop)`);
      const problems: string[] = [];
      if (after.sold < before.sold)
        problems.push(`Redis came back with sold ${after.sold} < ${before.sold} before the stop`);
      return { problems };
    },
  };
}
