import { limit } from "@/lib/ratelimit/limiter";
import { clientIp } from "@/lib/ratelimit/client-ip";
import { retryAfterSeconds } from "@/lib/resilience/http";

/**
 * Per-IP limits on sign-in and sign-up (lib/ratelimit/policies.ts: both fail closed, so a Redis
 * outage cannot open a window for password guessing or mass sign-ups). Returns the refusal to
 * show — a form error, or a 429 body — or null when the attempt may go ahead.
 */

export type Refusal = { message: string; retryAfterSeconds: number };

const WHAT = { signIn: "sign-ins", signUp: "new accounts" } as const;

export async function refuseAuthAttempt(
  policy: "signIn" | "signUp",
  headers: { get(name: string): string | null },
): Promise<Refusal | null> {
  const r = await limit(policy, clientIp(headers));
  if (r.ok) return null;
  const seconds = retryAfterSeconds(r.retryAfterMs);
  const message =
    r.reason === "limited"
      ? `Too many attempts, try again in ${seconds} s.`
      : `We can’t take ${WHAT[policy]} right now, try again in ${seconds} s.`;
  return { message, retryAfterSeconds: seconds };
}
