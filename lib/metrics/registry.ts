import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { dbHandle } from "@/db";
import { SESSIONS_MAX } from "@/lib/auth/session-cache";
import { sessionReads } from "@/lib/auth/session-reads";
import { cacheStats } from "@/lib/cache/stats";
import { pressWork } from "@/lib/gate/press-work";
import { publicStateStats } from "@/lib/gate/public-state";
import { limiterStats } from "@/lib/ratelimit/limiter";
import { redis, redisHandle } from "@/lib/redis/client";
import { keys, saleKeys } from "@/lib/redis/keys";
import { bulkheadStats } from "@/lib/resilience/bulkhead";
import { breakerState } from "@/lib/resilience/db-guard";
import { processSingleton } from "@/lib/singleton";

/**
 * Prometheus metrics for this instance (prom-client), served at /api/metrics. Hot-path code
 * only bumps counters; everything else is read when Prometheus scrapes.
 */

type Metrics = ReturnType<typeof build>;

type Endpoint = { name: string; what: string; latency: string; buckets: number[] };

const BUY_NOW: Endpoint = {
  name: "buy_now",
  what: "Buy Now",
  latency: "rate limit + gate + token",
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
};
const CHECKOUT: Endpoint = {
  name: "checkout",
  what: "Checkout",
  latency: "token, consume, order write",
  buckets: [0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
};

/** A counter of an endpoint's answers by status and a histogram of how long they took. */
function answers(registry: Registry, { name, what, latency, buckets }: Endpoint) {
  return {
    count: new Counter({
      name: `stampede_${name}_total`,
      help: `${what} answers by status`,
      labelNames: ["status"],
      registers: [registry],
    }),
    seconds: new Histogram({
      name: `stampede_${name}_seconds`,
      help: `${what} latency (${latency})`,
      buckets,
      registers: [registry],
    }),
  };
}

/** A counter that reports, at each scrape, a running total the code keeps elsewhere. */
function runningTotal(registry: Registry, name: string, help: string, read: () => number) {
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}

function build() {
  const registry = new Registry();
  const buyNow = answers(registry, BUY_NOW);
  const checkout = answers(registry, CHECKOUT);
  runningTotal(registry, "stampede_db_queries_total", "SQL statements sent by this instance", () =>
    dbHandle().queryCount(),
  );
  runningTotal(
    registry,
    "stampede_redis_commands_total",
    "Redis commands (or REST requests) sent by this instance",
    () => redisHandle().commandCount(),
  );
  new Gauge({
    name: "stampede_cache_events",
    help: "Read-through cache counters by cache and event (hits, misses, coalesced, loads, staleServes, lockWaits, …)",
    labelNames: ["cache", "event"],
    registers: [registry],
    collect() {
      this.reset();
      for (const [name, stats] of Object.entries(cacheStats()))
        for (const [event, n] of Object.entries(stats))
          if (typeof n === "number") this.set({ cache: name, event }, n);
      for (const [event, n] of Object.entries(publicStateStats))
        this.set({ cache: "sale-state", event }, n);
    },
  });
  new Gauge({
    name: "stampede_rate_limit_events",
    help: "Rate-limit decisions by policy and outcome (allowed, limited, unavailable)",
    labelNames: ["policy", "outcome"],
    registers: [registry],
    collect() {
      this.reset();
      for (const [policy, s] of Object.entries(limiterStats()))
        for (const [outcome, n] of Object.entries(s)) this.set({ policy, outcome }, n);
    },
  });
  new Gauge({
    name: "stampede_bulkhead",
    help: "Concurrency budgets: limit, active, admitted and shed calls",
    labelNames: ["budget", "field"],
    registers: [registry],
    collect() {
      this.reset();
      for (const b of bulkheadStats())
        for (const field of ["limit", "active", "admitted", "shed"] as const)
          this.set({ budget: b.name, field }, b[field]);
    },
  });
  new Gauge({
    name: "stampede_press_work",
    help: "Buy Now presses by kind of answer: answers, handler_seconds (synchronous time on the press's own path) and redis_commands",
    labelNames: ["kind", "field"],
    registers: [registry],
    collect() {
      this.reset();
      for (const [kind, t] of Object.entries(pressWork())) {
        this.set({ kind, field: "answers" }, t.answers);
        this.set({ kind, field: "handler_seconds" }, t.handlerSeconds);
        this.set({ kind, field: "redis_commands" }, t.redisCommands);
      }
    },
  });
  new Counter({
    name: "stampede_session_reads_total",
    help: "Session cookies read by the sale routes: decrypted, remembered (kept from an earlier read), ticketed (vouched for by a lane ticket) or refused (forged, expired, another secret)",
    labelNames: ["how"],
    registers: [registry],
    collect() {
      this.reset();
      for (const how of ["decrypted", "remembered", "ticketed", "refused"] as const)
        this.inc({ how }, sessionReads[how]);
    },
  });
  new Gauge({
    name: "stampede_sessions_kept",
    help: `Sessions kept in memory for the sale routes (at most ${SESSIONS_MAX} per process)`,
    registers: [registry],
    collect() {
      this.set(sessionReads.kept);
    },
  });
  new Gauge({
    name: "stampede_db_breaker_open",
    help: "PostgreSQL circuit breaker: 0 closed, 0.5 half-open, 1 open",
    registers: [registry],
    // server.ts's processes each guard their own queries: the instance reports the worst one.
    aggregator: "max",
    collect() {
      const s = breakerState();
      this.set(s === "open" ? 1 : s === "half-open" ? 0.5 : 0);
    },
  });
  new Gauge({
    name: "stampede_outbox_pending",
    help: "Purchases in the outbox not yet written to PostgreSQL (all armed sales)",
    registers: [registry],
    // Read from Redis: every process of an instance reports the same value.
    aggregator: "max",
    async collect() {
      const sales = ((await redis().smembers(keys.armed())) as unknown[]).map(String);
      const lens = await Promise.all(sales.map((id) => redis().xlen(saleKeys(id).outbox)));
      this.set(lens.reduce((a, b) => a + Number(b), 0));
    },
  });
  new Gauge({
    name: "stampede_outbox_dead_letters",
    help: "Entries in the dead-letter stream",
    registers: [registry],
    aggregator: "max",
    async collect() {
      this.set(Number(await redis().xlen(keys.outboxDead())));
    },
  });
  return {
    registry,
    buyNow: buyNow.count,
    buyNowSeconds: buyNow.seconds,
    checkout: checkout.count,
    checkoutSeconds: checkout.seconds,
  };
}

export const metrics = (): Metrics => processSingleton("metrics", build);
