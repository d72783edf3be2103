import { getSaleForAdmin, saleOrderTotals } from "@/db/admin-queries";
import { isUuid } from "@/lib/validation/uuid";
import { saleReport } from "@/lib/admin/sale-report";
import type { GateView, MonitorReply } from "@/lib/contract/admin-api";
import { refusalResponse, requireMerchant } from "@/lib/auth/guards";
import { gate } from "@/lib/gate/gate";
import { unavailableResponse } from "@/lib/http/status";
import { log } from "@/lib/log";
import { readSaleSeries, readSaleSeriesSince } from "@/lib/metrics/sale-series";
import { recordStock } from "@/lib/metrics/sale-stats";

export const dynamic = "force-dynamic";

const noStore = { "cache-control": "no-store" };

/**
 * The monitor's one poll: the gate's counters, the sale's series, orders in PostgreSQL, and
 * after the end its report. Reading the gate also records this second's stock sample.
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const g = await requireMerchant();
  if (!g.ok) return refusalResponse(g);
  const { id } = await params;
  if (!isUuid(id)) return Response.json({ status: "not_found" }, { status: 404, headers: noStore });
  const sinceParam = new URL(request.url).searchParams.get("since");
  const since = sinceParam && /^\d{1,12}$/.test(sinceParam) ? Number(sinceParam) : null;
  try {
    const sale = await getSaleForAdmin(id);
    if (!sale) return Response.json({ status: "not_found" }, { status: 404, headers: noStore });
    const [state, totals] = await Promise.all([gate.state(id), saleOrderTotals(id)]);
    if (state.s === "ok") recordStock(id, state);
    const over =
      sale.status === "cancelled" ||
      (state.s === "ok" ? state.phase === "ended" : sale.endsAt.getTime() <= Date.now());
    const full = since === null || over;
    const series = full ? await readSaleSeries(id) : await readSaleSeriesSince(id, since);
    const armed = state.s === "ok" ? state : null;
    const gateView: GateView | null = armed && {
      phase: armed.phase,
      now: armed.now,
      stock: armed.stock,
      avail: armed.avail,
      held: armed.held,
      sold: armed.sold,
      line: armed.line,
    };
    const reply: MonitorReply = {
      gate: gateView,
      series,
      full,
      ...totals,
      record: {
        stock: sale.stock,
        sold: sale.sold,
        startsAt: sale.startsAt.getTime(),
        endsAt: sale.endsAt.getTime(),
        status: sale.status,
      },
      report: over
        ? saleReport({
            series,
            startsAt: sale.startsAt.getTime(),
            stock: armed?.stock ?? sale.stock,
            sold: Math.max(armed?.sold ?? 0, sale.sold),
            held: armed?.held ?? 0,
            grants: armed?.grants ?? null,
            ...totals,
          })
        : null,
    };
    return Response.json(reply, { headers: noStore });
  } catch (error) {
    log.warn({ err: error, saleId: id }, "admin monitor: a source did not answer");
    return unavailableResponse();
  }
}
