import { toResponse } from "@/lib/http/status";
import { getSaleState } from "@/lib/http/sale-api";
import { withRequestId } from "@/lib/request-id";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const id = (await params).id;
  return withRequestId(request.headers, async () =>
    toResponse(await getSaleState(id, { ifNoneMatch: request.headers.get("if-none-match") })),
  );
}
