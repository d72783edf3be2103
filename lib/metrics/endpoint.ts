import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue } from "prom-client";
import { safeEqual } from "@/lib/crypto/safe-equal";
import { env } from "@/lib/env";
import { metrics } from "./registry";

/**
 * /api/metrics, for operators holding METRICS_TOKEN (Authorization: Bearer …). Answered by the
 * Next.js route in `next dev`, and by server.ts in production, where the instance is several
 * processes: every fast-lane process's counters and Next.js's are summed into one scrape.
 */

export type MetricsAnswer = { status: number; headers: Record<string, string>; body: string };
export type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];

/** null when the caller may read the metrics; otherwise the refusal to send. */
export function refuseMetrics(authorization: string | null | undefined): MetricsAnswer | null {
  const expected = env().METRICS_TOKEN;
  const text = { "content-type": "text/plain" };
  if (!expected) return { status: 404, headers: text, body: "Not found\n" };
  const given = (authorization ?? "").replace(/^Bearer\s+/i, "");
  if (!safeEqual(given, expected))
    return {
      status: 401,
      headers: { ...text, "www-authenticate": "Bearer" },
      body: "Unauthorized\n",
    };
  return null;
}

/** This process's metrics, as JSON for AggregatorRegistry. */
export function metricsJson(): Promise<MetricsJson> {
  return metrics().registry.getMetricsAsJSON();
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
