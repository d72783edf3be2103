import { revalidateTag } from "next/cache";
import { firstErrors } from "@/lib/admin/form-state";
import { productPatchSchema } from "@/lib/admin/product";
import { updateProduct } from "@/lib/admin/product-service";
import { requireMerchant, refusalResponse } from "@/lib/auth/guards";
import { isUuid } from "@/lib/validation/uuid";
import { readJson } from "@/lib/http/adapters";
import { toResponse, unavailableResponse } from "@/lib/http/status";
import { crossSiteResponse } from "@/lib/http/same-origin";

export const dynamic = "force-dynamic";

const notFound = () =>
  Response.json({ status: "not_found", message: "No such product." }, { status: 404 });

/** `revalidateTag(tag, "max")`: stale-while-revalidate, the one after the next request sees it. */
const expireTag = (tag: string) => revalidateTag(tag, "max");

/**
 * PATCH any of a product's fields (merchants; JSON API for integrations), with the merchant
 * form's rules: the same schema, partial, and the same product service.
 */
export async function PATCH(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const crossSite = crossSiteResponse(request);
  if (crossSite) return crossSite;
  const guard = await requireMerchant();
  if (!guard.ok) return refusalResponse(guard);
  const { id } = await params;
  if (!isUuid(id)) return notFound();
  const body = await readJson(request);
  if (!body.ok) return toResponse(body.reply);
  const parsed = productPatchSchema.safeParse(body.value);
  if (!parsed.success)
    return Response.json(
      { status: "invalid", fieldErrors: firstErrors(parsed.error.issues) },
      { status: 400 },
    );
  const saved = await updateProduct(id, parsed.data, expireTag);
  switch (saved.status) {
    case "saved": {
      const { id, slug, name, priceCents } = saved.product;
      return Response.json({ status: "updated", product: { id, slug, name, priceCents } });
    }
    case "invalid":
      return Response.json({ status: "invalid", fieldErrors: saved.fieldErrors }, { status: 400 });
    case "refused":
      return Response.json({ status: "refused", message: saved.message }, { status: 409 });
    case "not_found":
      return notFound();
    case "failed":
      return unavailableResponse();
  }
}
