/**
 * Base64url without padding, in one spelling. When a part's length is not a multiple of 4, its
 * last character carries spare bits, which decoders ignore and encoders write as zeros; Node's
 * decoder also takes `+` and `/`. So a token checked only by decoding has many spellings. The
 * parsers of tokens and cookies here accept the encoder's own: `[\w-]` characters, and a last
 * character whose spare bits are zero.
 */

/** Characters whose two low bits are zero: the last of a part of length 4k + 3 (e.g. 32 bytes). */
export const SPARE_2_ZERO = "AEIMQUYcgkosw048";
/** Characters whose four low bits are zero: the last of a part of length 4k + 2. */
export const SPARE_4_ZERO = "AQgw";
/** A 32-byte MAC in its one spelling: 43 characters. */
export const MAC_32_PATTERN = `[\\w-]{42}[${SPARE_2_ZERO}]`;
