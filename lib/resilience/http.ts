import type { CircuitOpen, Shed } from "./unavailable";

/** Whole seconds for Retry-After: rounded up, and at least 1 (0 invites an immediate retry). */
export const retryAfterSeconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** 503 + Retry-After for a call refused by a budget or an open circuit. */
export function unavailableResponse(error: Shed | CircuitOpen): Response {
  return Response.json(
    { status: "unavailable", retryAfterMs: error.retryAfterMs },
    {
      status: 503,
      headers: {
        "Retry-After": String(retryAfterSeconds(error.retryAfterMs)),
        "Cache-Control": "no-store",
      },
    },
  );
}
