import { parseCookies, SESSION_COOKIES } from "@/lib/auth/cookie-header";
import { scriptLimit } from "./limiter";

/**
 * Buy Now's per-shopper limit (POLICIES.buyNow), counted in this process before the session is
 * read, so a shopper hammering the button costs a lookup, not a session read, a Redis call or a
 * token. The shopper is known here by their session cookie's authentication tag (the JWE's last
 * part, which is unique to one session): nothing is verified yet, and nothing needs to be, since
 * a refusal grants nothing and an unknown cookie is refused by the session read right after.
 * The grant script still counts every press that reaches Redis, across instances.
 *
 * The same sliding window as the grant script's (lib/gate/lua/): the previous fixed window's
 * count weighted by its overlap, plus the current one's; a refused press is not counted.
 * Bounded by two generations of SLOTS_MAX / 2.
 */

/** A JWE tag: 43 base64url characters (HMAC-SHA-512 cut to 32 bytes). */
const TAG_CHARS = 43;

/**
 * What identifies the shopper before the session is read: the session cookie's tag (the last
 * chunk's end, for a cookie Auth.js split in chunks), or null when there is no session cookie.
 */
export function pressKey(cookieHeader: string | null | undefined): string | null {
  if (!cookieHeader || !cookieHeader.includes("session-token")) return null;
  const cookies = parseCookies(cookieHeader);
  for (const name of SESSION_COOKIES) {
    let value = cookies.get(name);
    if (value === undefined) {
      let i = 0;
      while (cookies.has(`${name}.${i}`)) i++;
      if (i > 0) value = cookies.get(`${name}.${i - 1}`);
    }
    if (value !== undefined && value.length >= TAG_CHARS) return value.slice(-TAG_CHARS);
  }
  return null;
}

type Slot = { w: number; cur: number; prev: number };
export const SLOTS_MAX = 200_000;
let young = new Map<string, Slot>();
let old = new Map<string, Slot>();

/**
 * Counts a press by `key` for the sale: 0 when it may go on, otherwise how long (ms) until the
 * shopper's window lets a press through.
 */
export function admitPress(saleId: string, key: string, now = Date.now()): number {
  const policy = scriptLimit("buyNow");
  const { presses, windowMs } = policy;
  if (presses <= 0 || windowMs <= 0) return 0;
  const id = saleId + key;
  let slot = young.get(id);
  if (!slot) {
    slot = old.get(id);
    if (slot) old.delete(id);
    else slot = { w: 0, cur: 0, prev: 0 };
    if (young.size >= SLOTS_MAX / 2) {
      old = young;
      young = new Map();
    }
    young.set(id, slot);
  }
  const w = Math.floor(now / windowMs);
  if (slot.w !== w) {
    slot.prev = slot.w === w - 1 ? slot.cur : 0;
    slot.cur = 0;
    slot.w = w;
  }
  if (Math.floor(slot.prev * (1 - (now % windowMs) / windowMs)) + slot.cur >= presses) {
    policy.stats.limited++;
    return (w + 1) * windowMs - now;
  }
  slot.cur++;
  return 0;
}

/**
 * Takes back a press counted by admitPress: the session read refused it, so it was nobody's press
 * (a cookie an attacker made up must not spend anyone's limit, nor be answered 429 for a while
 * instead of 401).
 */
export function uncountPress(saleId: string, key: string, now = Date.now()): void {
  const slot = young.get(saleId + key);
  const { windowMs } = scriptLimit("buyNow");
  if (slot && windowMs > 0 && slot.w === Math.floor(now / windowMs) && slot.cur > 0) slot.cur--;
}
