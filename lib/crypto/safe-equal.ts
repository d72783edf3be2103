import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Constant-time equality of two strings of any content. timingSafeEqual needs buffers of one
 * length and throws otherwise — and a string's UTF-8 length differs from its `.length` as soon
 * as it holds a non-ASCII character, so comparing the raw bytes either throws or, guarded by a
 * length check, tells the length. Comparing SHA-256 digests is always 32 bytes against 32.
 */
const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();

export const safeEqual = (given: string, expected: string): boolean =>
  timingSafeEqual(digest(given), digest(expected));
