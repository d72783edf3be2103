import { getProduct, getProductSales } from "@/lib/catalog/cached";
import { featuredSale } from "@/lib/catalog/views";
import { icsEvent } from "@/lib/calendar/ics";

/** "Add to calendar": the product's featured drop as an .ics file (works without JavaScript). */
export async function GET(request: Request, { params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const product = await getProduct(slug);
  const sale = product ? featuredSale(await getProductSales(product.id, product.slug)) : undefined;
  if (!product || !sale)
    return new Response("No drop for this product.", {
      status: 404,
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  const url = new URL(`/products/${product.slug}`, request.url).toString();
  const body = icsEvent({
    uid: `${sale.id}@stampede`,
    start: new Date(sale.startsAt),
    end: new Date(sale.endsAt),
    summary: `Drop: ${product.name}`,
    description: `${sale.stock} units, first come, first served. Buy Now opens at the start: ${url}`,
    url,
    alarmMinutes: 10,
  });
  return new Response(body, {
    headers: {
      "content-type": "text/calendar; charset=utf-8",
      "content-disposition": `attachment; filename="${product.slug}-drop.ics"`,
      "cache-control": "public, max-age=60",
    },
  });
}
