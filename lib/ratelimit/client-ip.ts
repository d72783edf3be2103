import { isIP } from "node:net";

/**
 * The client address a per-IP limit counts against.
 *
 * Trust assumption: the shop runs behind exactly one reverse proxy or load balancer that
 * appends the address it received the connection from to `x-forwarded-for` (nginx
 * `$proxy_add_x_forwarded_for`, cloud load balancers) or sets `x-real-ip`. So the *last* hop
 * of `x-forwarded-for` is the one our proxy wrote; earlier hops are whatever the client sent
 * and are ignored. Without such a proxy, Next.js fills `x-forwarded-for` with the socket
 * address only when the request has none, so a client could pick its own bucket: deploy
 * behind a proxy. A value that is not an IP address counts as "unknown" (one shared bucket).
 * IPv6 clients count by their /64, since one subscriber usually holds a whole /64.
 */

type HeaderReader = { get(name: string): string | null };

export function clientIp(headers: HeaderReader): string {
  const forwarded = headers.get("x-forwarded-for");
  const candidate = forwarded
    ? forwarded.slice(forwarded.lastIndexOf(",") + 1).trim()
    : headers.get("x-real-ip")?.trim();
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
