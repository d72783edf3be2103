import { BUY_NOW_POLICY, isRetryable, nextRetry, type RetryPolicy } from "@/lib/client/retry";
import {
  buyNowReplySchema,
  myStateSchema,
  orderReplySchema,
  saleStateSchema,
  serverTimeSchema,
} from "@/lib/contract/sale-api";
import { HerdClient, type EndpointCounts, type Endpoint, type Reply } from "./http-client";
import { cpuMeter, lagMonitor } from "./stats";
import {
  buyStatus,
  finalOutcome,
  OUTCOMES,
  outcomeIndex,
  pathsFor,
  type Outcome,
  type Target,
} from "./target";

/**
 * The herd itself, as a library: given a target and shoppers' session cookies, it polls the sale
 * like the browser, fires every shopper's Buy Now at the start (spread over `spreadMs`) with the
 * browser's own retry module, checks out the winners and follows shoppers waiting in line.
 * Per-shopper results live in typed arrays (no object per shopper), times in ms since the start.
 */

export type HerdPlan = {
  /** One Cookie header per shopper. */
  cookies: readonly string[];
  /** When the sale starts (epoch ms on the server's clock). */
  startsAt: number;
  /** Clicks are uniform over [start, start + spreadMs). */
  spreadMs: number;
  /** Requests in flight at most (and keep-alive connections). */
  concurrency: number;
  /**
   * Every shopper opens the sale's page before it starts: the signed-in sale panel reads /me once
   * (lib/client/sale-hooks.ts), sent at a time uniform over the lead time before the start less
   * its last tenth (at most 1 s). Without it, a shopper's first request is the press.
   */
  panel?: boolean;
  /** How many shoppers (a sample) poll the sale state every ~pollIntervalMs like the browser. */
  pollers: number;
  pollIntervalMs: number;
  /** A request with no answer after this long counts as a network error. */
  requestTimeoutMs: number;
  /** Hard stop for the whole run, from the call (bounded load test). */
  maxRunMs: number;
  /** How long a shopper told "in line" keeps watching /me (the browser polls it every 1.5 s). */
  lineWatchMs: number;
  /** Buy Now's retry policy; the browser's own by default. */
  retryPolicy?: RetryPolicy;
  /**
   * Checkouts go over connections of their own, up to this many at once: a winner's browser sends
   * its checkout at once, not after other shoppers' presses queued in the herd's client.
   */
  checkoutConnections?: number;
};

export const CHECKOUT_POLICY: RetryPolicy = { baseMs: 200, capMs: 2_000, deadlineMs: 15_000 };

export type Progress = {
  tMs: number;
  clicked: number;
  answered: number;
  outcomes: Record<Outcome, number>;
  orders: number;
  active: number;
  queued: number;
  rps: number;
  lagMs: number;
};

export type Sample = {
  t: number;
  completed: number;
  active: number;
  queued: number;
  lagMs: number;
  /** Whole machine busy (%), and this client's share of the machine (%). */
  machineCpuPct: number;
  clientCpuPct: number;
};
export type StockSample = {
  t: number;
  status: string;
  available: number;
  held: number;
  sold: number;
  inLine: number;
};

export type HerdRun = {
  target: Target;
  /** Wall-clock time of t = 0 (the sale start, on our clock). */
  zeroEpochMs: number;
  clockOffsetMs: number;
  clickAt: Float64Array;
  /** How late the click fired after its scheduled time: the herd's own lag. */
  clickLateMs: Float64Array;
  answerAt: Float64Array;
  outcome: Uint8Array;
  attempts: Uint8Array;
  /** Stampede: time from the Buy Now answer to the order (ms); NaN when none. */
  checkoutMs: Float64Array;
  checkoutStatuses: Record<string, number>;
  line: { promoted: number; closed: number; stillWaiting: number };
  counts: Record<Endpoint, EndpointCounts>;
  samples: Sample[];
  stock: StockSample[];
  lag: { p50: number; p99: number; max: number; mean: number };
  /** Over the run: the machine's busy share and the client's own share of the machine (%). */
  cpu: { machinePct: number; clientPct: number };
  queueWaitsMs: number[];
  polls: { requests: number; notModified: number };
  /**
   * The sale panel's /me reads (plan.panel): how many, how many answered 200, when the last one
   * was answered (ms from the start), and how many were answered after the start (overlapping
   * the presses: the lead time was too short for the shop to answer them all).
   */
  panel?: { requests: number; ok: number; lastAtMs: number | null; afterStart: number };
  /** From the first click to the last answer or order (ms since the start). */
  activeFromMs: number;
  activeToMs: number;
  finishedAtMs: number;
  aborted: boolean;
};

/**
 * The server's clock as NTP would take it: the sample with the least round trip among a few,
 * from an endpoint that is not cached (the shop's /me reads Redis TIME; the public state is
 * micro-cached, so its serverTime can be 200 ms old). An error of even a few milliseconds
 * makes the first clicks arrive before the start and get "not started".
 */
/** How many requests serverClockOffset sends (with the first shopper's cookie, to the shop's /me). */
export const CLOCK_SAMPLES = 7;

async function serverClockOffset(client: HerdClient, path: string, cookie: string | undefined) {
  let best = { rtt: Infinity, offset: 0 };
  // Like a browser, the first shopper keeps the lane ticket an answer sets: with several
  // fast-lane processes, a sample on another process is then vouched for, not decrypted again.
  let ticket: string | undefined;
  for (let k = 0; k < CLOCK_SAMPLES; k++) {
    const sent = performance.now();
    const sentEpoch = Date.now();
    const sentCookie = cookie && ticket ? `${cookie}; ${ticket}` : cookie;
    const r = await client.request(
      "monitor",
      "GET",
      path,
      sentCookie ? { cookie: sentCookie } : undefined,
    );
    if (r.ticket) ticket = r.ticket;
    const rtt = performance.now() - sent;
    const sample = serverTimeSchema.safeParse(r.body);
    if (r.status === 200 && sample.success && rtt < best.rtt)
      best = { rtt, offset: sample.data.serverTime - (sentEpoch + rtt / 2) };
  }
  return { offsetMs: best.offset, ticket };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const jitter = (ms: number) => ms * (0.7 + Math.random() * 0.6);
const NaNs = (n: number) => new Float64Array(n).fill(Number.NaN);

/**
 * Calls `start(i)` for every i at time `at[i]` (ms on the run's clock), in order of time, from one
 * timer loop rather than a timer each (100,000 timers stall the client). Resolves once nothing
 * is left to start (or `stopped()`) and every call started has settled.
 */
function fireInOrder(
  at: Float64Array,
  now: () => number,
  stopped: () => boolean,
  start: (i: number) => Promise<unknown>,
): Promise<void> {
  const n = at.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => at[a]! - at[b]!);
  return new Promise((resolve) => {
    let next = 0;
    let running = 0;
    let ended = false;
    const settle = () => {
      if (--running === 0 && ended) resolve();
    };
    const tick = () => {
      const t = now();
      while (next < n && !stopped() && at[order[next]!]! <= t) {
        running++;
        start(order[next++]!).then(settle, settle);
      }
      if (next < n && !stopped())
        setTimeout(tick, Math.max(0, Math.min(50, at[order[next]!]! - now())));
      else {
        ended = true;
        if (running === 0) resolve();
      }
    };
    tick();
  });
}

export async function runHerd(
  target: Target,
  plan: HerdPlan,
  hooks: { onProgress?: (p: Progress) => void; progressEveryMs?: number } = {},
): Promise<HerdRun> {
  const n = plan.cookies.length;
  const paths = pathsFor(target);
  const client = new HerdClient(target.baseUrl, {
    connections: plan.concurrency,
    timeoutMs: plan.requestTimeoutMs,
  });
  // A browser has its own connection: checkouts never wait in the presses' queue.
  const checkoutClient = new HerdClient(target.baseUrl, {
    connections: plan.checkoutConnections ?? 256,
    timeoutMs: plan.requestTimeoutMs,
  });
  const lag = lagMonitor();
  const cpu = cpuMeter();
  const calledAt = performance.now();

  // The first request also arms the sale in the gate (lazily, from PostgreSQL).
  const first = await client.request("monitor", "GET", paths.state, undefined);
  if (first.status !== 200 || !saleStateSchema.safeParse(first.body).success)
    throw new Error(`GET ${paths.state} answered ${first.status}: is the sale there?`);
  const clock = await serverClockOffset(client, paths.me ?? paths.state, plan.cookies[0]);
  const clockOffsetMs = clock.offsetMs;
  const zeroEpochMs = plan.startsAt - clockOffsetMs;
  const zeroPerf = performance.now() + (zeroEpochMs - Date.now());
  const now = () => performance.now() - zeroPerf;

  const headers = plan.cookies.map((c) => ({ cookie: c }));
  if (clock.ticket && headers[0]) headers[0].cookie = `${plan.cookies[0]!}; ${clock.ticket}`;
  /** Like a browser, a shopper keeps the lane ticket an answer sets and sends it from then on. */
  const keepTicket = (i: number, r: Reply) => {
    if (r.ticket) headers[i]!.cookie = `${plan.cookies[i]!}; ${r.ticket}`;
  };
  const clickAt = NaNs(n);
  const clickLateMs = NaNs(n);
  const answerAt = NaNs(n);
  const outcome = new Uint8Array(n).fill(outcomeIndex.unanswered);
  const attempts = new Uint8Array(n);
  const checkoutMs = NaNs(n);
  const checkoutStatuses: Record<string, number> = {};
  const line = { promoted: 0, closed: 0, stillWaiting: 0 };
  const live = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  let clicked = 0;
  let answered = 0;
  let orders = 0;
  let lastActivity = 0;
  let stopped = false;

  let latest: StockSample | null = null;
  const stock: StockSample[] = [];
  const see = (body: unknown): StockSample | null => {
    const state = saleStateSchema.safeParse(body);
    if (!state.success) return null;
    const { status, available, held, sold, inLine } = state.data;
    return (latest = { t: Math.round(now()), status, available, held, sold, inLine });
  };
  const firstSample = see(first.body);
  if (firstSample) stock.push(firstSample);

  // ---- polling: a sample of shoppers, jittered ~1 s, with If-None-Match (the browser's SWR) ----
  const polls = { requests: 0, notModified: 0 };
  const poller = async () => {
    let etag: string | undefined;
    await sleep(Math.random() * plan.pollIntervalMs);
    while (!stopped) {
      const r = await client.request(
        "poll",
        "GET",
        paths.state,
        etag ? { "if-none-match": etag } : undefined,
      );
      polls.requests++;
      if (r.status === 304) polls.notModified++;
      else if (r.status === 200) {
        etag = r.etag;
        see(r.body);
      }
      await sleep(jitter(plan.pollIntervalMs));
    }
  };
  const pollers = Array.from({ length: Math.min(plan.pollers, n) }, poller);

  // ---- the sale panel: each shopper's /me once, when the page opens before the start ----
  // Send times uniform over the lead time before the start, less a tenth of it (at most 1 s),
  // so the panel's reads are answered before the presses begin.
  const panel = { requests: 0, ok: 0, lastAtMs: null as number | null, afterStart: 0 };
  let panelDone: Promise<void> = Promise.resolve();
  if (plan.panel && paths.me) {
    const me = paths.me;
    const lead = Math.max(0, -now());
    const span = lead - Math.min(lead / 10, 1_000);
    const sendAt = new Float64Array(n);
    for (let i = 0; i < n; i++) sendAt[i] = -lead + Math.random() * span;
    panelDone = fireInOrder(
      sendAt,
      now,
      () => stopped,
      async (i) => {
        const r = await client.request("panel", "GET", me, headers[i]);
        keepTicket(i, r);
        const at = now();
        panel.requests++;
        if (r.status === 200) panel.ok++;
        if (at > 0) panel.afterStart++;
        panel.lastAtMs = Math.round(Math.max(panel.lastAtMs ?? -Infinity, at)) || 0;
      },
    );
  }

  // ---- a monitor: the stock chart's data, twice a second ----
  const monitor = (async () => {
    while (!stopped) {
      await sleep(500);
      const r = await client.request("monitor", "GET", paths.state, undefined);
      const s = r.status === 200 ? see(r.body) : null;
      if (s) stock.push(s);
    }
  })();

  // ---- per-shopper flows ----
  const answer = (i: number, o: Outcome, tries: number) => {
    const t = now();
    answerAt[i] = t;
    lastActivity = Math.max(lastActivity, t);
    outcome[i] = outcomeIndex[o];
    attempts[i] = Math.min(255, tries);
    live[o]++;
    answered++;
  };

  const checkout = async (i: number, token: string) => {
    if (!paths.order) return;
    const started = performance.now();
    const body = JSON.stringify({ token });
    for (let attempt = 1; !stopped; attempt++) {
      const h = { cookie: headers[i]!.cookie, "content-type": "application/json" };
      const r = await checkoutClient.request("order", "POST", paths.order, h, body);
      keepTicket(i, r);
      const reply = orderReplySchema.safeParse(r.body);
      const status = reply.success
        ? reply.data.status
        : r.status === 0 || r.status >= 500
          ? "network_error"
          : "error";
      if (!isRetryable(status)) {
        checkoutStatuses[status] = (checkoutStatuses[status] ?? 0) + 1;
        if (status === "confirmed" || status === "received") {
          orders++;
          checkoutMs[i] = performance.now() - started;
        }
        lastActivity = Math.max(lastActivity, now());
        return;
      }
      const retryAfterMs =
        reply.success && "retryAfterMs" in reply.data ? reply.data.retryAfterMs : r.retryAfterMs;
      const next = nextRetry(
        { attempt, elapsedMs: performance.now() - started, retryAfterMs },
        CHECKOUT_POLICY,
      );
      if (!next.retry) {
        checkoutStatuses[`gave_up_${status}`] = (checkoutStatuses[`gave_up_${status}`] ?? 0) + 1;
        return;
      }
      await sleep(next.delayMs);
    }
  };

  /** "me" as the browser reads it when Buy Now ran out of time, and while waiting in line. */
  const me = async (i: number) => {
    if (!paths.me) return null;
    const r = await client.request("me", "GET", paths.me, headers[i]);
    keepTicket(i, r);
    const mine = r.status === 200 ? myStateSchema.safeParse(r.body) : null;
    return mine?.success ? mine.data : null;
  };

  const watchLine = async (i: number) => {
    const until = performance.now() + plan.lineWatchMs;
    while (!stopped && performance.now() < until) {
      await sleep(jitter(1_500));
      const m = await me(i);
      if (m?.status === "holding") {
        line.promoted++;
        return checkout(i, m.token);
      }
      if (m?.status === "purchased") return void line.promoted++;
      if (m?.status === "none") return void line.closed++;
    }
    line.stillWaiting++;
  };

  const policy = plan.retryPolicy ?? BUY_NOW_POLICY;
  const buyNow = async (i: number, scheduled: number) => {
    const clickedAt = performance.now();
    clickAt[i] = clickedAt - zeroPerf;
    clickLateMs[i] = clickedAt - zeroPerf - scheduled;
    clicked++;
    let token: string | null = null;
    let result: Outcome | null = null;
    let tries = 0;
    for (let attempt = 1; !stopped; attempt++) {
      tries = attempt;
      const r = await client.request("buy", "POST", paths.buy, headers[i]);
      keepTicket(i, r);
      const status = buyStatus(target.kind, r);
      const reply = buyNowReplySchema.safeParse(r.body);
      if (!isRetryable(status)) {
        result = finalOutcome(status);
        if (reply.success && reply.data.status === "secured") token = reply.data.token;
        break;
      }
      const retryAfterMs =
        reply.success && "retryAfterMs" in reply.data ? reply.data.retryAfterMs : r.retryAfterMs;
      const next = nextRetry(
        { attempt, elapsedMs: performance.now() - clickedAt, retryAfterMs },
        policy,
      );
      if (!next.retry) {
        // Out of time: answer from what is known to be true, as the sale panel does.
        const m = await me(i);
        if (m?.status === "holding") {
          result = "secured";
          token = m.token;
        } else if (m?.status === "in_line") result = "in_line";
        else if (m?.status === "purchased") result = "already_purchased";
        else if (latest?.status === "sold_out" || latest?.status === "ended")
          result = latest.status;
        else result = status === "rate_limited" ? "gave_up_rate_limited" : "gave_up_busy";
        break;
      }
      await sleep(next.delayMs);
    }
    if (result === null) return;
    answer(i, result, tries);
    if (result === "secured" && token) await checkout(i, token);
    else if (result === "in_line" && paths.me) await watchLine(i);
    if (target.kind === "baseline" && result === "secured") orders++;
  };

  // ---- the schedule: every click's time, fired in order ----
  const offsets = new Float64Array(n);
  for (let i = 0; i < n; i++) offsets[i] = Math.random() * plan.spreadMs;
  const done = fireInOrder(
    offsets,
    now,
    () => stopped,
    (i) => buyNow(i, offsets[i]!),
  );

  // ---- timeline samples and progress ----
  const samples: Sample[] = [];
  let lastProgressAt = performance.now();
  let progressCompleted = 0;
  const sampler = setInterval(() => {
    const lagMs = lag.takeWindowMax();
    const c = cpu.take();
    samples.push({
      machineCpuPct: c.machinePct,
      clientCpuPct: c.clientPct,
      t: Math.round(now()),
      completed: client.completed + checkoutClient.completed,
      active: client.active + checkoutClient.active,
      queued: client.queued,
      lagMs,
    });
  }, 250);
  const progressTimer = setInterval(() => {
    if (!hooks.onProgress) return;
    const at = performance.now();
    const completed = client.completed + checkoutClient.completed;
    const rps = ((completed - progressCompleted) * 1000) / Math.max(1, at - lastProgressAt);
    progressCompleted = completed;
    lastProgressAt = at;
    hooks.onProgress({
      tMs: now(),
      clicked,
      answered,
      outcomes: { ...live },
      orders,
      active: client.active + checkoutClient.active,
      queued: client.queued,
      rps,
      lagMs: samples.at(-1)?.lagMs ?? 0,
    });
  }, hooks.progressEveryMs ?? 500);

  const remaining = plan.maxRunMs - (performance.now() - calledAt);
  let hardStop: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((r) => (hardStop = setTimeout(() => r(true), remaining)));
  const aborted = await Promise.race([done.then(() => false), timedOut]);
  const cpuTotal = cpu.total();
  clearTimeout(hardStop);
  stopped = true;
  clearInterval(sampler);
  clearInterval(progressTimer);

  // Let the pollers and the monitor see the stop (bounded), then one last look at the stock.
  await Promise.race([Promise.allSettled([monitor, ...pollers, panelDone]), sleep(3_000)]);
  if (!aborted) {
    const last = await client.request("monitor", "GET", paths.state, undefined);
    const lastSample = last.status === 200 ? see(last.body) : null;
    if (lastSample) stock.push(lastSample);
  }
  await Promise.all([client.close(), checkoutClient.close()]);
  lag.stop();

  let firstClick = Infinity;
  for (let i = 0; i < n; i++) if (clickAt[i]! < firstClick) firstClick = clickAt[i]!;
  return {
    target,
    zeroEpochMs,
    clockOffsetMs: Math.round(clockOffsetMs * 10) / 10,
    clickAt,
    clickLateMs,
    answerAt,
    outcome,
    attempts,
    checkoutMs,
    checkoutStatuses,
    line,
    counts: { ...client.counts, order: checkoutClient.counts.order },
    samples,
    stock,
    lag: lag.summary(),
    cpu: cpuTotal,
    queueWaitsMs: client.queueWaits,
    polls,
    panel: plan.panel ? panel : undefined,
    activeFromMs: Number.isFinite(firstClick) ? firstClick : 0,
    activeToMs: Number.isFinite(firstClick) ? Math.max(firstClick + 1, lastActivity) : 1,
    finishedAtMs: now(),
    aborted,
  };
}
