import { getStorefrontSales } from "@/lib/catalog/cached";
import { salePhase } from "@/lib/catalog/views";

export const dynamic = "force-dynamic";

/** The public list of live and upcoming sales (schedule only; live counters are per sale). */
export async function GET() {
  const now = Date.now();
  const sales = (await getStorefrontSales())
    .map((s) => ({
      id: s.id,
      productSlug: s.product.slug,
      status: salePhase(s, now),
      startsAt: s.startsAt,
      endsAt: s.endsAt,
    }))
    .filter((s) => s.status === "live" || s.status === "upcoming" || s.status === "paused");
  return Response.json(
    { sales },
    { headers: { "cache-control": "public, max-age=0, s-maxage=5, stale-while-revalidate=30" } },
  );
}
