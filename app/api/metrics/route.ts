import { metricsJson, metricsText, refuseMetrics } from "@/lib/metrics/endpoint";

export const dynamic = "force-dynamic";

/** Prometheus scrape endpoint (lib/metrics/endpoint.ts); server.ts answers it in production. */
export async function GET(request: Request) {
  const answer =
    refuseMetrics(request.headers.get("authorization")) ??
    (await metricsText([await metricsJson()]));
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}
