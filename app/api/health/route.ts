import { sql } from "drizzle-orm";
import { db } from "@/db";
import { redis } from "@/lib/redis/client";

export const dynamic = "force-dynamic";

/** Liveness for load balancers and Playwright: 200 when Redis and the database answer. */
export async function GET() {
  const [r, d] = await Promise.allSettled([redis().ping(), db().execute(sql`select 1`)]);
  const ok = r.status === "fulfilled" && d.status === "fulfilled";
  return Response.json(
    {
      ok,
      redis: r.status === "fulfilled" ? "up" : "down",
      database: d.status === "fulfilled" ? "up" : "down",
    },
    { status: ok ? 200 : 503, headers: { "cache-control": "no-store" } },
  );
}
