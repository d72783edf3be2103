import { answeredByNginx } from "@/scripts/lib/nginx";
import type { DrillContext, DrillDefinition } from "../run";

/**
 * One of three instances SIGKILLed mid-herd behind nginx, and started again a few seconds
 * later. Requests in flight on it are answered 503 + Retry-After by nginx (a request not yet
 * sent, or a GET, goes on to another instance); nginx's passive health check leaves it out after
 * a few failed tries; a hold or checkout the dead instance completed but could not answer is
 * found again on retry (Buy Now returns the same hold; checkout the same order).
 */

/**
 * New requests nginx may still send to a dead instance in the seconds after: up to max_fails (3)
 * before it is left out, and those that arrive while those tries are under way.
 */
const TRIES_BOUND = 50;

export const killInstance: DrillDefinition = {
  name: "kill-instance",
  title: "one of three instances killed (SIGKILL) mid-herd behind nginx",
  stack: { instances: 3, workers: 1 },
  size: { quick: [400, 260], full: [3_000, 2_000] },
  async fault(ctx: DrillContext) {
    const { cluster } = ctx.stack;
    await ctx.until(() => ctx.herd.progress().clicked >= ctx.shoppers * 0.4, 30_000);
    const victim = cluster.instances[1]!;
    const address = `127.0.0.1:${victim.port}`;
    ctx.note(`SIGKILL ${victim.name}`);
    const killedAt = Date.now();
    victim.child.kill("SIGKILL");
    await victim.exited;
    await ctx.sleep(4_000);
    await cluster.startInstance(1);
    ctx.note(`${victim.name} started again`);
    await ctx.sleep(1_500); // nginx writes its access log once a second
    const after = cluster.nginx
      .accessLog()
      .filter((l) => l.at >= killedAt && l.at < killedAt + 4_000);
    // Requests already at the instance when it died fail with it; what counts is new ones.
    const tried = after.filter(
      (l) => l.startedAt >= killedAt && l.upstreams.includes(address),
    ).length;
    const retried = after.filter((l) => l.upstreams.length > 1).length;
    const unavailable = after.filter(answeredByNginx).length;
    ctx.note(
      `nginx, 4 s after the kill: ${after.length} requests, ${tried} tried on the dead instance, ${retried} sent on to another, ${unavailable} answered 503 by nginx`,
    );
    const problems: string[] = [];
    if (tried > TRIES_BOUND)
      problems.push(`nginx kept sending the dead instance traffic (${tried} tries in 4 s)`);
    return { problems };
  },
};
