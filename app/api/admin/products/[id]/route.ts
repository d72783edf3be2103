import { crossSiteResponse } from "@/lib/http/same-origin";
import { requireMerchant, refusalResponse } from "@/lib/auth/guards";
import { isUuid } from "@/lib/validation/uuid";
import { productPatchSchema, updateProduct } from "@/lib/catalog/update-product";
import { readJson, toResponse } from "@/lib/http/adapters";

export const dynamic = "force-dynamic";

/** PATCH a product's name, description or price (merchants; JSON API for integrations). */
export async function PATCH(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const crossSite = crossSiteResponse(request);
  if (crossSite) return crossSite;
  const guard = await requireMerchant();
  if (!guard.ok) return refusalResponse(guard);
  const { id } = await params;
  if (!isUuid(id))
    return Response.json({ status: "not_found", message: "No such product." }, { status: 404 });
  const body = await readJson(request);
  if (!body.ok) return toResponse(body.reply);
  const parsed = productPatchSchema.safeParse(body.value);
  if (!parsed.success) {
    const fieldErrors = Object.fromEntries(
      parsed.error.issues.map((i) => [String(i.path[0] ?? "body"), i.message]),
    );
    return Response.json({ status: "invalid", fieldErrors }, { status: 400 });
  }
  const product = await updateProduct(id, parsed.data);
  if (!product)
    return Response.json({ status: "not_found", message: "No such product." }, { status: 404 });
  return Response.json({
    status: "updated",
    product: {
      id: product.id,
      slug: product.slug,
      name: product.name,
      priceCents: product.priceCents,
    },
  });
}
