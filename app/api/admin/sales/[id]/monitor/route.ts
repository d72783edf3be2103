import { countSaleOrders, isUuid } from "@/db/admin-queries";
import { refusalResponse, requireMerchant } from "@/lib/auth/guards";
import { gate } from "@/lib/gate/gate";
import { log } from "@/lib/log";
import { readSaleStats } from "@/lib/metrics/sale-stats";

export const dynamic = "force-dynamic";

const noStore = { "cache-control": "no-store" };

/** The live monitor's one poll: gate counters, the last 120 s of outcomes, orders in PostgreSQL. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const g = await requireMerchant();
  if (!g.ok) return refusalResponse(g);
  const { id } = await params;
  if (!isUuid(id)) return Response.json({ status: "not_found" }, { status: 404, headers: noStore });
  try {
    const [state, stats, orders] = await Promise.all([
      gate.state(id),
      readSaleStats(id, 120),
      countSaleOrders(id),
    ]);
    return Response.json({ state, stats, orders }, { headers: noStore });
  } catch (error) {
    log.warn({ err: error, saleId: id }, "admin monitor: a source did not answer");
    return Response.json(
      { status: "unavailable", message: "The monitor's data sources did not answer." },
      { status: 503, headers: { ...noStore, "retry-after": "1" } },
    );
  }
}
