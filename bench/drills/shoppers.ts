import { BUY_NOW_POLICY, isRetryable, nextRetry, type RetryPolicy } from "@/lib/client/retry";
import { HerdClient, type Reply } from "../herd/http-client";
import { buyStatus, finalOutcome, pathsFor, type Outcome } from "../herd/target";

/**
 * A bounded herd for fault drills, on the herd's own client, target and retry modules, keeping
 * what the reports of `npm run herd` only count: what each shopper was told (Buy Now's answer, the
 * order id checkout gave them), and every single request's status, Retry-After and duration, so a
 * drill can prove that during a fault each request got a prompt and honest answer.
 * A shopper whose Buy Now ran out of time presses again a little later, as a person would.
 */

export type DrillHerdOptions = {
  baseUrl: string;
  saleId: string;
  cookies: readonly string[];
  /** When the sale opens (epoch ms); clicks are uniform over [startsAt, startsAt + spreadMs). */
  startsAt: number;
  spreadMs: number;
  concurrency?: number;
  /** Shoppers who poll the public state (~every 500 ms) until the herd ends. */
  pollers?: number;
  /** Buy Now presses per shopper at most. */
  presses?: number;
  /** Checkout retries (Retry-After honoured) until this long after the first attempt. */
  checkoutDeadlineMs?: number;
  /** A request answered later than this counts as a hang. */
  boundMs?: number;
  maxRunMs?: number;
};

export type Shopper = {
  outcome: Outcome;
  presses: number;
  /** The final checkout answer ("confirmed", "received", another status, or "gave_up_…"). */
  checkout?: string;
  orderId?: string;
};

export type RequestStats = {
  total: number;
  /** By endpoint and HTTP status ("0": no response). */
  statuses: Record<string, number>;
  maxMs: number;
  /** Requests answered later than the bound. */
  slow: number;
  /** 503s, all of which must carry Retry-After and say "unavailable". */
  unavailable: number;
  unavailableWithoutHint: number;
  /** 5xx other than 503, and requests with no answer at all. */
  otherServerErrors: number;
  noResponse: number;
  examples: string[];
};

export type DrillHerdResult = {
  shoppers: Shopper[];
  requests: RequestStats;
  durationMs: number;
  aborted: boolean;
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export type DrillHerd = {
  /** Resolves when every shopper is done (or maxRunMs passed). */
  done: Promise<DrillHerdResult>;
  /** How many shoppers have clicked, and how many have their Buy Now answer and checkout. */
  progress(): { clicked: number; answered: number; checkedOut: number };
};

export function startDrillHerd(o: DrillHerdOptions): DrillHerd {
  const n = o.cookies.length;
  const paths = pathsFor({ kind: "stampede", baseUrl: o.baseUrl, saleId: o.saleId });
  const boundMs = o.boundMs ?? 5_000;
  const client = new HerdClient(o.baseUrl, {
    connections: o.concurrency ?? 128,
    timeoutMs: boundMs * 3,
  });
  const shoppers: Shopper[] = Array.from({ length: n }, () => ({
    outcome: "unanswered",
    presses: 0,
  }));
  const stats: RequestStats = {
    total: 0,
    statuses: {},
    maxMs: 0,
    slow: 0,
    unavailable: 0,
    unavailableWithoutHint: 0,
    otherServerErrors: 0,
    noResponse: 0,
    examples: [],
  };
  const example = (s: string) => stats.examples.length < 10 && stats.examples.push(s);
  let clicked = 0;
  let answered = 0;
  let checkedOut = 0;
  let stopped = false;
  const started = performance.now();

  async function request(
    endpoint: "buy" | "me" | "order" | "poll",
    method: "GET" | "POST",
    path: string,
    headers?: Record<string, string>,
    body?: string,
  ): Promise<Reply> {
    const r = await client.request(endpoint, method, path, headers, body);
    if (stopped && r.status === 0) return r; // cut off by our own shutdown, not the shop's fault
    stats.total++;
    const key = `${endpoint} ${r.status}`;
    stats.statuses[key] = (stats.statuses[key] ?? 0) + 1;
    stats.maxMs = Math.max(stats.maxMs, r.ms);
    if (r.ms > boundMs) {
      stats.slow++;
      example(`${method} ${endpoint} took ${Math.round(r.ms)} ms (status ${r.status})`);
    }
    if (r.status === 0) {
      stats.noResponse++;
      example(`${method} ${endpoint}: no response (${r.error})`);
    } else if (r.status === 503) {
      stats.unavailable++;
      if (r.retryAfterMs === undefined || r.body?.status !== "unavailable") {
        stats.unavailableWithoutHint++;
        example(`${method} ${endpoint}: 503 without Retry-After or "unavailable"`);
      }
    } else if (r.status >= 500) {
      stats.otherServerErrors++;
      example(`${method} ${endpoint}: ${r.status}`);
    }
    return r;
  }

  const retryAfter = (r: Reply) =>
    typeof r.body?.retryAfterMs === "number" ? r.body.retryAfterMs : r.retryAfterMs;

  async function checkout(i: number, token: string) {
    const s = shoppers[i]!;
    const h = { cookie: o.cookies[i]!, "content-type": "application/json" };
    const body = JSON.stringify({ token });
    const policy: RetryPolicy = {
      baseMs: 200,
      capMs: 2_000,
      deadlineMs: o.checkoutDeadlineMs ?? 30_000,
    };
    const t0 = performance.now();
    for (let attempt = 1; !stopped; attempt++) {
      const r = await request("order", "POST", paths.order!, h, body);
      const status =
        r.status === 0 ? "network_error" : String(r.body?.status ?? `http_${r.status}`);
      if (!isRetryable(status)) {
        s.checkout = status;
        if (typeof r.body?.orderId === "string") s.orderId = r.body.orderId;
        checkedOut++;
        return;
      }
      const next = nextRetry(
        { attempt, elapsedMs: performance.now() - t0, retryAfterMs: retryAfter(r) },
        policy,
      );
      if (!next.retry) {
        s.checkout = `gave_up_${status}`;
        return;
      }
      await sleep(next.delayMs);
    }
  }

  /** One press of Buy Now, with the browser's retries and its 3-second promise. */
  async function press(i: number): Promise<{ outcome: Outcome; token?: string }> {
    const h = { cookie: o.cookies[i]! };
    const t0 = performance.now();
    for (let attempt = 1; !stopped; attempt++) {
      const r = await request("buy", "POST", paths.buy, h);
      const status = buyStatus("stampede", r);
      if (!isRetryable(status)) {
        const outcome = finalOutcome(status);
        const token = typeof r.body?.token === "string" ? r.body.token : undefined;
        return { outcome, token };
      }
      const next = nextRetry(
        { attempt, elapsedMs: performance.now() - t0, retryAfterMs: retryAfter(r) },
        BUY_NOW_POLICY,
      );
      if (!next.retry) {
        // Out of time: answer from what is known to be true, as the sale panel does.
        const m = await request("me", "GET", paths.me!, h);
        if (m.status === 200 && m.body?.status === "holding" && typeof m.body.token === "string")
          return { outcome: "secured", token: m.body.token };
        if (m.status === 200 && m.body?.status === "in_line") return { outcome: "in_line" };
        if (m.status === 200 && m.body?.status === "purchased")
          return { outcome: "already_purchased" };
        return { outcome: status === "rate_limited" ? "gave_up_rate_limited" : "gave_up_busy" };
      }
      await sleep(next.delayMs);
    }
    return { outcome: "unanswered" };
  }

  async function shopper(i: number) {
    const s = shoppers[i]!;
    clicked++;
    const presses = o.presses ?? 4;
    for (let k = 0; k < presses && !stopped; k++) {
      s.presses++;
      const { outcome, token } = await press(i);
      s.outcome = outcome;
      if (!outcome.startsWith("gave_up") && outcome !== "unanswered") {
        answered++;
        if (outcome === "secured" && token) await checkout(i, token);
        return;
      }
      await sleep(1_000 + Math.random() * 1_500);
    }
  }

  async function poller() {
    let etag: string | undefined;
    await sleep(Math.random() * 500);
    while (!stopped) {
      const r = await request(
        "poll",
        "GET",
        paths.state,
        etag ? { "if-none-match": etag } : undefined,
      );
      if (r.status === 200 && r.etag) etag = r.etag;
      await sleep(350 + Math.random() * 300);
    }
  }

  const done = (async (): Promise<DrillHerdResult> => {
    const pollers = Array.from({ length: Math.min(o.pollers ?? 20, n) }, poller);
    const runs: Promise<void>[] = [];
    const offsets = Array.from({ length: n }, () => Math.random() * o.spreadMs).map(
      (t, i) => [t, i] as const,
    );
    offsets.sort((a, b) => a[0] - b[0]);
    const all = (async () => {
      for (const [t, i] of offsets) {
        const wait = o.startsAt + t - Date.now();
        if (wait > 0) await sleep(wait);
        if (stopped) break;
        runs.push(shopper(i));
      }
      await Promise.all(runs);
    })();
    const aborted = await Promise.race([
      all.then(() => false),
      sleep(o.maxRunMs ?? 120_000).then(() => true),
    ]);
    stopped = true;
    await Promise.race([Promise.allSettled(pollers), sleep(3_000)]);
    await client.close();
    return { shoppers, requests: stats, durationMs: performance.now() - started, aborted };
  })();

  return { done, progress: () => ({ clicked, answered, checkedOut }) };
}
