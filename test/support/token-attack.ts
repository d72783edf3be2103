import { createHmac } from "node:crypto";
import { base64url, SignJWT } from "jose";
import { beforeAll, expect } from "vitest";
import { env } from "@/lib/env";
import { gate } from "@/lib/gate/gate";
import { postToken } from "@/lib/http/sale-api";
import { checkoutHttpStatus } from "@/lib/http/status";
import { checkout, type CheckoutResult } from "@/lib/orders/checkout";
import { createLiveSale, createUsers } from "./fixtures";
import { sessionCookieFor, snapshotSale, type StateSnapshot } from "./hostile";

/**
 * Tools for making up purchase tokens, and two live sales with one buyer holding a unit in
 * each, whose state every attack must leave as it found it.
 */

export const realKey = () => new TextEncoder().encode(env().TOKEN_SECRET);
export const enc = (o: unknown) => base64url.encode(JSON.stringify(o));
export const dec = (s: string) => JSON.parse(new TextDecoder().decode(base64url.decode(s)));
/** A compact HS256 JWS made by hand with the server's secret (for headers jose will not sign). */
export const hs256 = (header: unknown, payload: unknown, secret = env().TOKEN_SECRET) => {
  const input = `${enc(header)}.${enc(payload)}`;
  return `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`;
};
export const parts = (t: string) => t.split(".") as [string, string, string];

/**
 * An unsigned token with a purchase token's claims; each one left undefined is left out, and
 * `exp` is in seconds or a jose time span.
 */
export function purchaseClaims(c: {
  sale?: string;
  iss?: string;
  sub: string;
  jti: string;
  exp?: number | string;
}) {
  // In the order the server writes them (sale, iss, sub, jti, exp): the signing test compares bytes.
  const jwt = new SignJWT(c.sale === undefined ? {} : { sale: c.sale });
  if (c.iss !== undefined) jwt.setIssuer(c.iss);
  jwt.setSubject(c.sub).setJti(c.jti);
  if (c.exp !== undefined) jwt.setExpirationTime(c.exp);
  return jwt;
}

export type Party = { id: string; cookie: string; token: string; hold: string; exp: number };

async function buyer(saleId: string, userId: string): Promise<Party> {
  const cookie = await sessionCookieFor(userId);
  const r = await postToken(saleId, { cookie });
  const body = r.body as { status: string; token: string; expiresAt: number };
  if (body.status !== "secured") throw new Error(`expected secured, got ${body.status}`);
  const st = await gate.state(saleId, userId);
  if (st.s !== "ok" || !st.hold) throw new Error("no hold");
  return { id: userId, cookie, token: body.token, hold: st.hold, exp: body.expiresAt };
}

/** Checkout as the JSON route answers it: the HTTP status and the body's status word. */
export async function attempt(who: Party, token: unknown) {
  const r: CheckoutResult = await checkout(who.id, token);
  return {
    http: checkoutHttpStatus(r),
    status: r.status,
    message: "message" in r ? r.message : undefined,
  };
}

export type TwoSales = {
  saleA: string;
  saleB: string;
  /** Holds a unit of sale A. */
  alice: Party;
  /** Holds a unit of sale B. */
  bob: Party;
  beforeA: StateSnapshot;
  beforeB: StateSnapshot;
};

/**
 * Sets up, before the file's tests, two live sales of 5 with alice holding one unit of A and
 * bob one of B. `unchanged()` asserts both sales are as `beforeA` and `beforeB` recorded them.
 */
export function twoSalesWithBuyers() {
  const s = {} as TwoSales;
  beforeAll(async () => {
    s.saleA = (await createLiveSale({ stock: 5 })).sale.id;
    s.saleB = (await createLiveSale({ stock: 5 })).sale.id;
    const [a, b] = await createUsers(2);
    s.alice = await buyer(s.saleA, a!);
    s.bob = await buyer(s.saleB, b!);
    s.beforeA = await snapshotSale(s.saleA);
    s.beforeB = await snapshotSale(s.saleB);
    expect(s.beforeA.gate).toMatchObject({ held: 1, sold: 0 });
  });
  const unchanged = async () => {
    expect(await snapshotSale(s.saleA)).toEqual(s.beforeA);
    expect(await snapshotSale(s.saleB)).toEqual(s.beforeB);
  };
  return { s, unchanged };
}
