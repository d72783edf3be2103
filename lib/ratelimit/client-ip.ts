import { isIP } from "node:net";

/**
 * The client address a per-IP limit counts against: the `x-forwarded-for` that server.ts wrote
 * after deciding who the client is (lib/http/forwarded.ts: the socket's peer, or the right-most
 * address a trusted proxy vouched for). Whatever the client sent in that header is gone by then.
 * The last hop is taken, so a chain that reached here another way (`next dev`, which fills the
 * header only when it is missing) is read as the one appending proxy in front would have it.
 * A value that is not an IP address counts as "unknown" (one shared bucket). IPv6 clients count
 * by their /64, since one subscriber usually holds a whole /64.
 */

type HeaderReader = { get(name: string): string | null };

export function clientIp(headers: HeaderReader): string {
  const forwarded = headers.get("x-forwarded-for");
  const candidate = forwarded?.slice(forwarded.lastIndexOf(",") + 1).trim();
  if (!candidate) return "unknown";
  // "::ffff:1.2.3.4" is the same client as "1.2.3.4".
  const ip = candidate.toLowerCase().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "");
  const version = isIP(ip);
  return version === 4 ? ip : version === 6 ? ipv6Slash64(ip) : "unknown";
}

/** "2001:db8:0:1:aa::5" → "2001:db8:0:1::/64". */
function ipv6Slash64(ip: string): string {
  const [head = "", tail] = ip.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  // A trailing dotted IPv4 (::ffff:1.2.3.4 style) fills two groups.
  const width = (groups: string[]) => groups.reduce((n, g) => n + (g.includes(".") ? 2 : 1), 0);
  const zeros = tail === undefined ? [] : Array(8 - width(left) - width(right)).fill("0");
  const groups = [...left, ...zeros, ...right].slice(0, 4);
  return `${groups.map((g) => parseInt(g, 16).toString(16)).join(":")}::/64`;
}
