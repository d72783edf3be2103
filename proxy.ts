import { NextResponse, type NextRequest } from "next/server";
import { refuseAuthAttempt } from "@/lib/auth/attempts";
import { isActionPost, refuseActionBody } from "@/lib/http/action-body";
import { REQUEST_ID_HEADER, requestIdFrom } from "@/lib/request-id";

/**
 * Runs before every page, action and route (not static files):
 * - gives the request an `x-request-id` (kept from a load balancer, else new), on the request
 *   for route handlers and actions to log with (lib/request-id.ts) and on the response;
 * - counts direct posts to Auth.js's credentials endpoint against the per-IP sign-in limit,
 *   which the sign-in form's server action applies itself (Auth.js signs it in in-process,
 *   without passing through here, so no attempt is counted twice).
 * - refuses server-action requests Next.js would fail on with a 500 (too large, sent without a
 *   length, arguments nested too deep) with a 4xx (lib/http/action-body.ts).
 * The hot sale routes are served by the fast lane in production and never reach this.
 */

// text/plain: the only content type a response from proxy.ts reaches the client with.
const refusal = (status: number, message: string, requestId: string, extra = {}) =>
  new NextResponse(`${message}\n`, {
    status,
    headers: { "content-type": "text/plain", [REQUEST_ID_HEADER]: requestId, ...extra },
  });

const CREDENTIALS = "/api/auth/callback/credentials";

export async function proxy(request: NextRequest) {
  const requestId = requestIdFrom(request.headers);
  if (request.method === "POST" && request.nextUrl.pathname === CREDENTIALS) {
    const refused = await refuseAuthAttempt("signIn", request.headers);
    if (refused)
      return refusal(429, refused.message, requestId, {
        "retry-after": String(refused.retryAfterSeconds),
      });
  }
  if (isActionPost(request.method, request.nextUrl.pathname, request.headers)) {
    const refused = await refuseActionBody(request);
    if (refused) return refusal(refused.status, refused.message, requestId);
  }
  const headers = new Headers(request.headers);
  headers.set(REQUEST_ID_HEADER, requestId);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set(REQUEST_ID_HEADER, requestId);
  return response;
}

export const config = {
  matcher: [
    "/((?!_next/static|_next/image|favicon\\.ico|.*\\.(?:svg|png|jpe?g|gif|webp|ico|css|js|txt|woff2?)$).*)",
  ],
};
