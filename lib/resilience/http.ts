// Retry-After's rounding is an HTTP edge rule (lib/http/status.ts); lib/auth/attempts.ts still
// imports it from here.
export { retryAfterSeconds } from "@/lib/http/status";
