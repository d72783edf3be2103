import { randomBytes, randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { issueTicket, userFromTicket } from "@/lib/auth/lane-ticket";
import { SESSION_CRYPTO, type SessionDecoder } from "@/lib/auth/session-crypto";
import { mintCookies, SESSION_COOKIE, type Shopper } from "./herd/setup";

/**
 * µs per session decrypt and per lane-ticket check, for each SESSION_DECODER, over real
 * cookies minted as the herd mints them (bench/herd/setup.ts). The cache in front of both
 * (lib/auth/session-cache.ts) is left out: this is the work a read does when it misses.
 * Rounds alternate the decoders, so a busy machine slows both alike; the median is printed.
 *
 *   npm run bench:session -- [--cookies 5000] [--rounds 7]
 */

const { values } = parseArgs({
  options: {
    cookies: { type: "string", default: "5000" },
    rounds: { type: "string", default: "7" },
  },
});
const N = Number(values.cookies);
const ROUNDS = Number(values.rounds);
if (!(Number.isInteger(N) && N > 0 && Number.isInteger(ROUNDS) && ROUNDS > 0))
  throw new Error("--cookies and --rounds take positive whole numbers");

const DECODERS: SessionDecoder[] = ["hand", "library"];
const secret = randomBytes(32).toString("base64url");
const shoppers: Shopper[] = Array.from({ length: N }, (_, i) => ({
  id: randomUUID(),
  email: `bench-${i}@herd.stampede.test`,
  name: `Herd shopper ${i + 1}`,
}));
let cookieValues: string[] = [];
let tickets: string[] = [];

async function decryptAll(decoder: SessionDecoder): Promise<number> {
  const { decrypt } = SESSION_CRYPTO[decoder];
  const started = performance.now();
  for (const v of cookieValues)
    if (!(await decrypt(v, secret, SESSION_COOKIE))) throw new Error(`${decoder}: refused`);
  return ((performance.now() - started) * 1000) / N;
}

function checkAll(decoder: SessionDecoder): number {
  const crypto = SESSION_CRYPTO[decoder];
  const now = Date.now();
  const started = performance.now();
  for (let i = 0; i < N; i++)
    if (!userFromTicket(tickets[i]!, SESSION_COOKIE, cookieValues[i]!, secret, now, crypto))
      throw new Error(`${decoder}: ticket refused`);
  return ((performance.now() - started) * 1000) / N;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

async function main() {
  const minted = await mintCookies(shoppers, secret);
  cookieValues = minted.map((c) => c.slice(SESSION_COOKIE.length + 1));
  const expS = Math.floor(Date.now() / 1000) + 3600;
  tickets = cookieValues.map((v, i) => {
    const user = { ...shoppers[i]!, role: "shopper" as const };
    return issueTicket(user, SESSION_COOKIE, v, secret, expS, Date.now(), SESSION_CRYPTO.hand)!
      .value;
  });
  const timings = new Map<string, number[]>();
  const note = (what: string, us: number) => timings.set(what, [...(timings.get(what) ?? []), us]);
  for (const d of DECODERS) await decryptAll(d); // warm-up: keys derived, code compiled
  for (let round = 0; round < ROUNDS; round++)
    for (const d of round % 2 ? [...DECODERS].reverse() : DECODERS) {
      note(`${d} decrypt`, await decryptAll(d));
      note(`${d} ticket check`, checkAll(d));
    }
  console.log(`${N} cookies, ${ROUNDS} rounds; median µs per operation`);
  for (const [what, us] of timings) console.log(`${what.padEnd(22)} ${median(us).toFixed(2)} µs`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
