/**
 * Uploaded product images: the bytes must be a PNG, JPEG, WebP or GIF (checked by their magic
 * numbers, not the name or the declared type) and at most 2 MB.
 */

export const IMAGE_MAX_BYTES = 2 * 1024 * 1024;
export const IMAGE_TYPES = ["image/png", "image/jpeg", "image/webp", "image/gif"] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

const startsWith = (b: Uint8Array, sig: number[], at = 0) =>
  b.length >= at + sig.length && sig.every((v, i) => b[at + i] === v);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** The image type the bytes really are, or null. */
export function sniffImageType(b: Uint8Array): ImageType | null {
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (startsWith(b, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(b, ascii("GIF87a")) || startsWith(b, ascii("GIF89a"))) return "image/gif";
  if (startsWith(b, ascii("RIFF")) && startsWith(b, ascii("WEBP"), 8)) return "image/webp";
  return null;
}

export type ImageCheck = { ok: true; contentType: ImageType } | { ok: false; error: string };

/** `declaredType` is what the browser said (Content-Type); the bytes decide. */
export function checkImage(bytes: Uint8Array, declaredType: string): ImageCheck {
  if (bytes.length === 0) return { ok: false, error: "Choose an image file" };
  if (bytes.length > IMAGE_MAX_BYTES)
    return { ok: false, error: "The image must be 2 MB or smaller" };
  const declared = declaredType.split(";")[0]!.trim().toLowerCase();
  if (!(IMAGE_TYPES as readonly string[]).includes(declared))
    return { ok: false, error: "Use a PNG, JPEG, WebP or GIF image" };
  const real = sniffImageType(bytes);
  if (real === null) return { ok: false, error: "That file is not a PNG, JPEG, WebP or GIF image" };
  if (real !== declared)
    return {
      ok: false,
      error: "The file's content does not match its type; save it again and retry",
    };
  return { ok: true, contentType: real };
}
