import { toResponse } from "@/lib/http/status";
import { getServerTime } from "@/lib/http/sale-api";
import { withRequestId } from "@/lib/request-id";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  return withRequestId(request.headers, async () => toResponse(await getServerTime({})));
}
