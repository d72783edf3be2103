import { timingSafeEqual } from "node:crypto";
import { env } from "@/lib/env";
import { metrics } from "@/lib/metrics/registry";

export const dynamic = "force-dynamic";

/** Prometheus scrape endpoint, for operators holding METRICS_TOKEN (Authorization: Bearer …). */
export async function GET(request: Request) {
  const expected = env().METRICS_TOKEN;
  if (!expected)
    return new Response("Not found\n", { status: 404, headers: { "content-type": "text/plain" } });
  const given = (request.headers.get("authorization") ?? "").replace(/^Bearer\s+/i, "");
  const ok =
    given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
  if (!ok)
    return new Response("Unauthorized\n", {
      status: 401,
      headers: { "content-type": "text/plain", "www-authenticate": "Bearer" },
    });
  const { registry } = metrics();
  return new Response(await registry.metrics(), {
    headers: { "content-type": registry.contentType, "cache-control": "no-store" },
  });
}
