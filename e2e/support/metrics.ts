import { expect, type APIRequestContext } from "@playwright/test";
import { e2eSecrets } from "./env";

/**
 * One series from /api/metrics, written as Prometheus writes it (`name` or
 * `name{label="value"}`); NaN when it is missing. Through the fast lane server.ts sums both
 * processes; a request with `x-stampede-lane: next` gets the Next.js process's own.
 */
export async function metric(request: APIRequestContext, series: string): Promise<number> {
  const res = await request.get("/api/metrics", {
    headers: { authorization: `Bearer ${e2eSecrets.METRICS_TOKEN}` },
  });
  expect(res.status()).toBe(200);
  const escaped = series.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const m = new RegExp(`^${escaped} (\\S+)$`, "m").exec(await res.text());
  return Number(m?.[1]);
}

/**
 * stampede_session_reads_total by how the session cookie was read: decrypted, found kept, or
 * vouched for by a lane ticket (in the hot routes' process(es), summed as metric() does).
 */
export const sessionReads = async (request: APIRequestContext) => ({
  decrypted: await metric(request, 'stampede_session_reads_total{how="decrypted"}'),
  remembered: await metric(request, 'stampede_session_reads_total{how="remembered"}'),
  ticketed: await metric(request, 'stampede_session_reads_total{how="ticketed"}'),
});
