import { NextResponse, type NextRequest } from "next/server";
import { refuseAuthAttempt } from "@/lib/auth/attempts";
import { REQUEST_ID_HEADER, requestIdFrom } from "@/lib/request-id";

/**
 * Runs before every page, action and route (not static files):
 * - gives the request an `x-request-id` (kept from a load balancer, else new), on the request
 *   for route handlers and actions to log with (lib/request-id.ts) and on the response;
 * - counts direct posts to Auth.js's credentials endpoint against the per-IP sign-in limit,
 *   which the sign-in form's server action applies itself (Auth.js signs it in in-process,
 *   without passing through here, so no attempt is counted twice).
 * The hot sale routes are served by the fast lane in production and never reach this.
 */

const CREDENTIALS = "/api/auth/callback/credentials";

export async function proxy(request: NextRequest) {
  const requestId = requestIdFrom(request.headers);
  if (request.method === "POST" && request.nextUrl.pathname === CREDENTIALS) {
    const refused = await refuseAuthAttempt("signIn", request.headers);
    if (refused)
      // text/plain: the only content type a response from proxy.ts reaches the client with.
      return new NextResponse(`${refused.message}\n`, {
        status: 429,
        headers: {
          "content-type": "text/plain",
          "retry-after": String(refused.retryAfterSeconds),
          [REQUEST_ID_HEADER]: requestId,
        },
      });
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
