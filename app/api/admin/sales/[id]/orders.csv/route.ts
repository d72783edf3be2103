import { getSaleForAdmin, saleOrdersForExport } from "@/db/admin-queries";
import { csvRow } from "@/lib/admin/csv";
import { parseOrderSearch } from "@/lib/admin/orders";
import { refusalResponse, requireMerchant } from "@/lib/auth/guards";
import { log } from "@/lib/log";

export const dynamic = "force-dynamic";

const HEADER = ["order_id", "created_at", "email", "name", "quantity", "price", "status"];

/** A sale's orders as CSV (the same search as the orders page), streamed in batches. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const g = await requireMerchant();
  if (!g.ok) return refusalResponse(g);
  const sale = await getSaleForAdmin((await params).id);
  if (!sale)
    return Response.json(
      { status: "not_found" },
      { status: 404, headers: { "cache-control": "no-store" } },
    );
  const { q } = parseOrderSearch({ q: new URL(request.url).searchParams.get("q") ?? undefined });
  const encoder = new TextEncoder();
  const batches = saleOrdersForExport(sale.id, q);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(csvRow(HEADER)));
    },
    async pull(controller) {
      try {
        const next = await batches.next();
        if (next.done) return controller.close();
        const text = next.value
          .map((o) =>
            csvRow([
              o.id,
              o.createdAt.toISOString(),
              o.email,
              o.name,
              o.quantity,
              (o.priceCents / 100).toFixed(2),
              o.status,
            ]),
          )
          .join("");
        controller.enqueue(encoder.encode(text));
      } catch (error) {
        log.error({ err: error, saleId: sale.id }, "admin: CSV export failed");
        controller.error(error);
      }
    },
    async cancel() {
      await batches.return(undefined);
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="orders-${sale.product.slug}-${sale.id.slice(0, 8)}.csv"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
