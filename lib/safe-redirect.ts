/**
 * Where to send the user back to, from a value the request carried (`callbackUrl`, `back`): a
 * path on this shop, or `fallback`. The value is parsed as a URL against a stand-in origin the
 * way a browser would resolve it — which drops tabs and newlines, reads `\` as `/`, and takes
 * `/\t/evil.example` or `/\evil.example` as another host — and kept only when it resolves to
 * that same origin. What is returned is the parsed URL's own path, query and fragment, so it is
 * re-encoded: no control character, CR/LF or backslash survives to a Location header.
 */

const BASE = "http://stampede.invalid";
const MAX_CHARS = 512;

export function safeRedirect(value: unknown, fallback = "/"): string {
  if (typeof value !== "string" || value.length > MAX_CHARS) return fallback;
  // A path must be written as one: "evil.example" or "https:…" would resolve relative to BASE.
  if (!value.startsWith("/")) return fallback;
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE) return fallback;
  // The query and fragment keep a "\\" as it was; encoded, no later reader can take it for "/".
  const target = `${url.pathname}${url.search}${url.hash}`.replace(/\\/g, "%5C");
  // Resolved paths start with one "/"; "//x" would be protocol-relative to whoever reads it next.
  return target.startsWith("//") ? fallback : target;
}
