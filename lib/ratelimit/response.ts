import { retryAfterSeconds } from "@/lib/resilience/http";

/** 429 + Retry-After (whole seconds, rounded up, at least 1) for a refused request. */
export function rateLimitedResponse({ retryAfterMs }: { retryAfterMs: number }): Response {
  return Response.json(
    { status: "rate_limited", retryAfterMs },
    {
      status: 429,
      headers: {
        "Retry-After": String(retryAfterSeconds(retryAfterMs)),
        "Cache-Control": "no-store",
      },
    },
  );
}
