import type { IncomingMessage } from "node:http";
import { BlockList, isIP } from "node:net";
import { env, type TrustedProxy } from "@/lib/env";

/**
 * Who the client is, decided once, where the connection arrives (server.ts), before anything
 * reads a forwarding header. `X-Forwarded-For` is believed only as far as it was written by the
 * load balancers in TRUSTED_PROXIES: walking the chain (its hops, then the socket's peer) from
 * the right, the client is the first address that is not a trusted proxy. With no trusted
 * proxies (the default) that is the socket's peer, whatever the header says. A client can
 * write any hop it likes to the left of the proxies; it cannot write the hop the nearest
 * trusted proxy appended.
 *
 * The request then carries exactly one `X-Forwarded-For`, the client's, for the per-IP limits
 * (lib/ratelimit/client-ip.ts) and Next.js. The other forwarding headers are kept only when a
 * trusted proxy sent them: from anyone else, `X-Forwarded-Host`/`-Proto` would let a client
 * choose the host Auth.js builds its URLs from and whether HSTS is sent.
 */

const FORWARDING = ["x-forwarded-host", "x-forwarded-proto", "x-forwarded-port", "forwarded"];

const lists = new WeakMap<TrustedProxy[], BlockList>();
function blockList(proxies: TrustedProxy[]): BlockList {
  let list = lists.get(proxies);
  if (!list) {
    list = new BlockList();
    for (const p of proxies) list.addSubnet(p.address, p.prefix, p.family);
    lists.set(proxies, list);
  }
  return list;
}

/** "::ffff:10.0.0.1" (how a dual-stack socket reports IPv4 peers) as "10.0.0.1". */
const plain = (ip: string) => ip.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "");

function trusted(list: BlockList, ip: string): boolean {
  const version = isIP(ip);
  return version !== 0 && list.check(ip, version === 6 ? "ipv6" : "ipv4");
}

/**
 * The client's address, from the socket's peer and the `X-Forwarded-For` value(s) it sent. An
 * unparseable hop where a trusted proxy should have written an address ends the walk: it is
 * returned as it is, and the limits count it as "unknown".
 */
export function clientAddress(
  peer: string | undefined,
  forwardedFor: string | string[] | undefined,
  proxies: TrustedProxy[] = env().TRUSTED_PROXIES,
): string {
  const socket = plain(peer ?? "");
  if (proxies.length === 0 || !forwardedFor) return socket;
  const list = blockList(proxies);
  if (!trusted(list, socket)) return socket;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor)
    .split(",")
    .map((h) => plain(h.trim()));
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (i === 0 || !trusted(list, hop)) return hop;
  }
  return socket; // cannot happen: the loop returns at i === 0
}

/** Rewrites the request's forwarding headers as above (server.ts, before any routing). */
export function settleForwarding(req: IncomingMessage): void {
  const proxies = env().TRUSTED_PROXIES;
  const peer = req.socket.remoteAddress;
  req.headers["x-forwarded-for"] = clientAddress(peer, req.headers["x-forwarded-for"], proxies);
  delete req.headers["x-real-ip"];
  const fromProxy = proxies.length > 0 && trusted(blockList(proxies), plain(peer ?? ""));
  if (!fromProxy) for (const name of FORWARDING) delete req.headers[name];
}
