import type { DrillContext, DrillDefinition } from "../run";

/**
 * One of three instances SIGKILLed mid-herd behind the balancer, and started again a few seconds
 * later. Requests in flight on it are answered 503 + Retry-After by the balancer (GETs retried on
 * another instance); the balancer stops sending it traffic at the first refused connection; a
 * hold or checkout the dead instance completed but could not answer is found again on retry
 * (Buy Now returns the same hold; checkout the same order).
 */
export const killInstance: DrillDefinition = {
  name: "kill-instance",
  title: "one of three instances killed (SIGKILL) mid-herd behind the balancer",
  stack: { instances: 3, workers: 1 },
  size: { quick: [400, 260], full: [3_000, 2_000] },
  async fault(ctx: DrillContext) {
    const { cluster } = ctx.stack;
    await ctx.until(() => ctx.herd.progress().clicked >= ctx.shoppers * 0.4, 30_000);
    const victim = cluster.instances[1]!;
    ctx.note(`SIGKILL ${victim.name}`);
    victim.child.kill("SIGKILL");
    await victim.exited;
    await ctx.sleep(4_000);
    const stats = cluster.balancer.stats();
    const down = stats.upstreams.filter((u) => u.state === "down").map((u) => u.port);
    ctx.note(
      `balancer: down ${down.join(", ") || "none"}; ${stats.unavailable} answered 503, ${stats.retried} GETs retried`,
    );
    await cluster.startInstance(1);
    await cluster.balancer.checkHealth();
    ctx.note(`${victim.name} started again and back in rotation`);
    const problems: string[] = [];
    if (!down.includes(victim.port!))
      problems.push("the balancer did not mark the dead instance down");
    return { problems };
  },
};
