import { randomUUID } from "node:crypto";
import { asc, count, eq } from "drizzle-orm";
import fc from "fast-check";
import { encode } from "next-auth/jwt";
import { db } from "@/db";
import { orders, sales } from "@/db/schema";
import { env } from "@/lib/env";
import { gate } from "@/lib/gate/gate";
import { redis } from "@/lib/redis/client";
import { keys, saleKeys } from "@/lib/redis/keys";

/**
 * Hostile input for the property tests (fast-check arbitraries), session cookies for the sale
 * API functions, and a snapshot of everything a request could change, to compare before/after.
 */

/** Strings that have broken real parsers, databases and terminals. */
export const NASTY_STRINGS = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "\udfff",
  "x\ud83dy",
  "\u202eevil\u202c",
  "\u2066isolate\u2069",
  "\ufeff{}",
  "👩‍👩‍👧‍👦🔥",
  "ﷺ",
  "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǫ̗",
  "NaN",
  "-NaN",
  "Infinity",
  "-Infinity",
  "undefined",
  "null",
  "true",
  "-0",
  "1e309",
  "-1",
  "0x10",
  "9".repeat(400),
  "../../../etc/passwd",
  "..%2F..%2Fetc%2Fpasswd",
  "%00",
  "%E0%A4%A",
  "' OR '1'='1",
  "1; DROP TABLE sales; --",
  "\\",
  "'",
  '"',
  "$(reboot)",
  "<script>alert(1)</script>",
  "javascript:alert(1)",
  '=HYPERLINK("http://evil.example")',
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "a".repeat(70_000),
  "é".repeat(9_000),
] as const;

export const nastyString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 64 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 64 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...NASTY_STRINGS), fc.string({ maxLength: 8 }))
      .map(([a, b]) => a + b),
  },
);

/** Sale ids an attacker might send: non-UUIDs, near-UUIDs and well-formed UUIDs of no sale. */
export const hostileSaleId = fc.oneof(
  nastyString,
  fc.uuid().map((u) => u.toUpperCase()),
  fc.uuid(),
  fc.uuid().map((u) => `{${u}}`),
  fc.uuid().map((u) => `${u}\u0000`),
  fc.uuid().map((u) => `${u}/../../admin`),
  fc.uuid().map((u) => `${u}' OR '1'='1`),
  fc.uuid().map((u) => u.replace(/-/g, "")),
  fc.uuid().map((u) => ` ${u}`),
  fc.uuid().map((u) => `${u}}:meta`),
);

/** Numbers JSON can carry, plus the ones it cannot (they arrive as strings or as null). */
export const hostileNumber = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(
    -0,
    -1,
    Number.MAX_SAFE_INTEGER + 2,
    Number.MIN_SAFE_INTEGER - 2,
    Number.MAX_VALUE,
    -Number.MAX_VALUE,
    Number.MIN_VALUE,
    1e308,
    2 ** 31,
    2 ** 63,
  ),
);

/** Any JSON value, with hostile strings and numbers mixed in. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    nastyString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.oneof(nastyString, fc.constantFrom("token", "__proto__")), tie("value"), {
      maxKeys: 4,
    }),
  ),
})).value;

/** JSON text: valid hostile values, prototype-pollution payloads, and broken JSON. */
export const hostileJsonText = fc.oneof(
  hostileJson.map((v) => JSON.stringify(v) ?? "null"),
  fc.constantFrom(
    '{"__proto__": {"polluted": true}, "token": "x"}',
    '{"constructor": {"prototype": {"polluted": true}}, "token": "x"}',
    '{"token": {"__proto__": {"polluted": true}}}',
    '{"token": "a", "token": {"toString": 1}}',
    '{"token": 1e400}',
    '{"token": NaN}',
    '{"token": Infinity}',
    '{"token": -0}',
    '{"token": "\\u0000"}',
    '{"token": "\\ud800"}',
    '{"token": "x",}',
    "{'token': 'x'}",
    '{"token": "x"',
    '"token"',
    "[]",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    "\ufeff{}",
    "",
    " ",
    "null",
    "undefined",
    "0",
    "/* */{}",
  ),
  fc.string({ unit: "binary", maxLength: 200 }),
  // Valid JSON cut short.
  hostileJson
    .map((v) => JSON.stringify({ token: v }))
    .chain((s) => fc.integer({ min: 0, max: Math.max(0, s.length - 1) }).map((n) => s.slice(0, n))),
);

/** What a body can be once parsed: hostile JSON, and objects whose token is anything but a token. */
export const hostileBody = fc.oneof(
  hostileJson,
  fc.record({ token: hostileJson }),
  fc.record({ token: nastyString }),
  fc.record({ token: nastyString, sub: nastyString, sale: nastyString }),
);

/** Checks Object.prototype is as the runtime made it (no key added by a parsed payload). */
export function assertNoPrototypePollution(): void {
  const probe = {} as Record<string, unknown>;
  if ("polluted" in probe || Object.keys(Object.prototype).length > 0)
    throw new Error("Object.prototype was polluted");
}

// ---- Sessions ----

/** A session cookie header for `userId`, minted as Auth.js would (same secret and salt). */
export async function sessionCookieFor(userId: string, role: "shopper" | "merchant" = "shopper") {
  const name = "authjs.session-token";
  const value = await encode({
    token: { sub: userId, role, email: `${userId}@test.stampede` },
    secret: env().AUTH_SECRET,
    salt: name,
    maxAge: 3600,
  });
  return `${name}=${value}`;
}

/** A throwaway shopper id: each gets its own rate-limit budget, so refusals are the input's. */
export const freshShopper = () => randomUUID();

// ---- What a request could change ----

export type StateSnapshot = Awaited<ReturnType<typeof snapshotSale>>;

/** The sale's gate counters in Redis, its sales row and its order rows in PostgreSQL. */
export async function snapshotSale(saleId: string) {
  const st = await gate.state(saleId);
  const k = saleKeys(saleId);
  const [sale] = await db().select().from(sales).where(eq(sales.id, saleId));
  return {
    gate:
      st.s === "ok"
        ? {
            phase: st.phase,
            stock: st.stock,
            avail: st.avail,
            held: st.held,
            sold: st.sold,
            line: st.line,
            grants: st.grants,
          }
        : st,
    outbox: Number(await redis().xlen(k.outbox)),
    holders: await redis().hgetall(k.holder),
    sale: sale ? { ...sale, updatedAt: sale.updatedAt.toISOString() } : null,
    orders: await db()
      .select()
      .from(orders)
      .where(eq(orders.saleId, saleId))
      .orderBy(asc(orders.id)),
  };
}

/**
 * What a request about `saleId` by `userId` could have left behind when no such sale exists: any
 * of the sale's gate keys (stats aside: metrics, not state), a place in the armed set, an order.
 * Scoped to the ids, not global counts, because other test files share the run's database.
 */
export async function traces(saleId: string, userId: string) {
  const { stats: _metrics, ...gateKeys } = saleKeys(saleId);
  const present = await Promise.all(
    Object.entries(gateKeys).map(async ([name, key]) =>
      Number(await redis().exists(key)) > 0 ? name : null,
    ),
  );
  const armed = Number(await redis().sismember(keys.armed(), saleId)) > 0;
  const userOrders = (
    await db().select({ n: count() }).from(orders).where(eq(orders.userId, userId))
  )[0]!.n;
  return { keys: present.filter(Boolean), armed, userOrders };
}

export const NO_TRACES = { keys: [], armed: false, userOrders: 0 };

/**
 * Runs `write` in a transaction that is always rolled back: true when PostgreSQL took the write.
 * "Whatever a validator accepts, PostgreSQL can store" — without leaving a row behind.
 */
export async function storable(write: (tx: Tx) => Promise<unknown>): Promise<true | Error> {
  const rollback = new Error("rollback");
  try {
    await db().transaction(async (tx) => {
      await write(tx);
      throw rollback;
    });
  } catch (error) {
    if (error === rollback) return true;
    return error as Error;
  }
  return new Error("the transaction committed");
}
type Tx = Parameters<Parameters<ReturnType<typeof db>["transaction"]>[0]>[0];
