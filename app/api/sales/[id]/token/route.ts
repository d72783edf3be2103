import { crossSiteResponse } from "@/lib/http/same-origin";
import { toResponse } from "@/lib/http/status";
import { postToken } from "@/lib/http/sale-api";
import { withRequestId } from "@/lib/request-id";

export const dynamic = "force-dynamic";

/** Buy Now for API clients and load tools: the same logic as the server action and the fast lane. */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const crossSite = crossSiteResponse(request);
  if (crossSite) return crossSite;
  const id = (await params).id;
  return withRequestId(request.headers, async () =>
    toResponse(await postToken(id, { cookie: request.headers.get("cookie") })),
  );
}
