import { deleteOrphanImages, imageUrl, insertImage } from "@/db/admin-queries";
import { checkImage, IMAGE_MAX_BYTES } from "@/lib/admin/image";
import { refusalResponse, requireMerchant } from "@/lib/auth/guards";
import type { ImageUploadReply } from "@/lib/contract/admin-api";
import { readCapped } from "@/lib/http/read-capped";
import { crossSiteResponse } from "@/lib/http/same-origin";
import { log } from "@/lib/log";

export const dynamic = "force-dynamic";

/**
 * A merchant uploads a product image: the raw file as the body, its type as Content-Type.
 * Checked (type by magic bytes, at most 2 MB) and stored in PostgreSQL; the product form then
 * saves the returned id. (A server action could not take it: they accept 1 MB bodies.)
 */

const json = (body: ImageUploadReply, status: number) =>
  Response.json(body, { status, headers: { "cache-control": "no-store" } });
const refuse = (error: string, status = 400) =>
  json({ status: "invalid", fieldErrors: { imageId: error } }, status);

export async function POST(request: Request) {
  const g = await requireMerchant();
  if (!g.ok) return refusalResponse(g);
  const crossSite = crossSiteResponse(request);
  if (crossSite) return crossSite;

  const bytes = await readCapped(request, IMAGE_MAX_BYTES);
  if (!bytes) return refuse("The image must be 2 MB or smaller", 413);
  const checked = checkImage(bytes, request.headers.get("content-type") ?? "");
  if (!checked.ok) return refuse(checked.error, 400);
  try {
    const id = await insertImage(checked.contentType, bytes);
    // Housekeeping rides on uploads (rare, merchant-only): drop day-old images nothing uses.
    void deleteOrphanImages().catch((error: unknown) =>
      log.warn({ err: error }, "admin: orphan image cleanup failed"),
    );
    return json({ id, url: imageUrl(id) }, 201);
  } catch (error) {
    log.error({ err: error }, "admin: storing an image failed");
    return json({ status: "failed", message: "We couldn't store the image. Try again." }, 503);
  }
}
