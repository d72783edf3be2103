import { crossSiteResponse } from "@/lib/http/same-origin";
import { readJson } from "@/lib/http/adapters";
import { toResponse } from "@/lib/http/status";
import { postOrder } from "@/lib/http/sale-api";
import { withRequestId } from "@/lib/request-id";

export const dynamic = "force-dynamic";

/** Checkout: { token } → 201 { orderId, status }; the same token again → 200, the same order. */
export async function POST(request: Request) {
  const crossSite = crossSiteResponse(request);
  if (crossSite) return crossSite;
  const body = await readJson(request);
  if (!body.ok) return toResponse(body.reply);
  return withRequestId(request.headers, async () =>
    toResponse(await postOrder({ cookie: request.headers.get("cookie"), body: body.value })),
  );
}
