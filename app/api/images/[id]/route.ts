import { getImage } from "@/db/admin-queries";

export const dynamic = "force-dynamic";

/**
 * Uploaded product images, public. An id names one upload forever (a new image gets a new id),
 * so the response is cached for a year; nosniff keeps a browser from reading it as anything
 * but the image type the upload was checked to be.
 */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const image = await getImage(id);
  if (!image)
    return new Response("Not found", {
      status: 404,
      headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
    });
  return new Response(new Uint8Array(image.data), {
    headers: {
      "content-type": image.contentType,
      "content-length": String(image.data.length),
      "x-content-type-options": "nosniff",
      "cache-control": "public, max-age=31536000, immutable",
      "content-security-policy": "default-src 'none'; sandbox",
      etag: `"${id}"`,
    },
  });
}
