import { timingSafeEqual } from "node:crypto";
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue } from "prom-client";
import { env } from "@/lib/env";
import { metrics } from "./registry";

/**
 * /api/metrics, for operators holding METRICS_TOKEN (Authorization: Bearer …). Answered by the
 * Next.js route in `next dev`, and by server.ts in production, where the instance is two
 * processes: the fast lane's counters and Next.js's are summed into one scrape.
 */

export type MetricsAnswer = { status: number; headers: Record<string, string>; body: string };
export type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];

/** null when the caller may read the metrics; otherwise the refusal to send. */
export function refuseMetrics(authorization: string | null | undefined): MetricsAnswer | null {
  const expected = env().METRICS_TOKEN;
  const text = { "content-type": "text/plain" };
  if (!expected) return { status: 404, headers: text, body: "Not found\n" };
  const given = (authorization ?? "").replace(/^Bearer\s+/i, "");
  const ok =
    given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
  if (!ok)
    return {
      status: 401,
      headers: { ...text, "www-authenticate": "Bearer" },
      body: "Unauthorized\n",
    };
  return null;
}

/**
 * What the fast-lane process counts itself: Buy Now and its Redis work always, and checkout and
 * its PostgreSQL work when it has a database of its own (PostgreSQL; with embedded PGlite it
 * opens none). The outbox gauges read Redis, which one process reporting is enough for.
 */
export function fastLaneMetrics(ownDatabase: boolean): string[] {
  return [
    "stampede_buy_now_total",
    "stampede_buy_now_seconds",
    "stampede_press_work",
    "stampede_redis_commands_total",
    "stampede_cache_events",
    "stampede_rate_limit_events",
    "stampede_bulkhead",
    "stampede_session_reads_total",
    "stampede_sessions_kept",
    ...(ownDatabase
      ? [
          "stampede_checkout_total",
          "stampede_checkout_seconds",
          "stampede_db_queries_total",
          "stampede_db_breaker_open",
        ]
      : []),
  ];
}

/** This process's share of the metrics, as JSON for AggregatorRegistry. */
export async function metricsJson(only?: readonly string[]): Promise<MetricsJson> {
  const { registry } = metrics();
  if (!only) return registry.getMetricsAsJSON();
  const picked = only.flatMap((name) => registry.getSingleMetric(name) ?? []);
  return (await Promise.all(picked.map((m) => m.get()))) as MetricsJson;
}

/** One scrape from several processes' shares: counters, gauges and histograms summed. */
export async function metricsText(shares: MetricsJson[]): Promise<MetricsAnswer> {
  const registry = AggregatorRegistry.aggregate(shares);
  return {
    status: 200,
    headers: { "content-type": registry.contentType, "cache-control": "no-store" },
    body: await registry.metrics(),
  };
}
