import { LeanPool } from "./lean-http";

/**
 * The herd's one HTTP client: keep-alive connections to the target (./lean-http.ts), with at
 * most `connections` requests in flight. Requests past that wait in a FIFO here, so the wait
 * is measured: it is time a shopper spent queued in *our* client.
 */

export const ENDPOINTS = ["poll", "monitor", "panel", "buy", "me", "order"] as const;
export type Endpoint = (typeof ENDPOINTS)[number];

export type Reply = {
  /** HTTP status, or 0 when no response arrived (timeout, reset, refused). */
  status: number;
  body: Record<string, unknown> | null;
  retryAfterMs?: number;
  etag?: string;
  /** A lane ticket the answer set (lib/auth/lane-ticket.ts), as `name=value`. */
  ticket?: string;
  error?: string;
  /** From sending the request to the whole answer (ms), not counting the wait in our queue. */
  ms: number;
};

export type EndpointCounts = { statuses: Record<string, number>; total: number; errors: number };

export type ClientOptions = { connections: number; timeoutMs: number };

export class HerdClient {
  private readonly pool: LeanPool;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  private waitHead = 0;
  /** Completed requests per endpoint and status ("0" = no response). */
  readonly counts: Record<Endpoint, EndpointCounts>;
  /** Every response (of any status) counts; the timeline samples this. */
  completed = 0;
  /** Queue waits longer than 1 ms, in ms (sampled: at most one per 8 requests is kept). */
  readonly queueWaits: number[] = [];
  private waitSample = 0;

  constructor(
    readonly origin: string,
    private readonly options: ClientOptions,
  ) {
    this.pool = new LeanPool(origin, options.timeoutMs);
    this.counts = Object.fromEntries(
      ENDPOINTS.map((e) => [e, { statuses: {}, total: 0, errors: 0 }]),
    ) as unknown as Record<Endpoint, EndpointCounts>;
  }

  get active() {
    return this.inFlight;
  }
  get queued() {
    return this.waiting.length - this.waitHead;
  }

  private acquire(): Promise<void> | undefined {
    if (this.inFlight < this.options.connections) {
      this.inFlight++;
      return undefined;
    }
    return new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release() {
    if (this.waitHead < this.waiting.length) {
      const next = this.waiting[this.waitHead]!;
      this.waiting[this.waitHead++] = noop;
      // Compact now and then, so the array does not grow for the whole run.
      if (this.waitHead > 4096 && this.waitHead * 2 > this.waiting.length) {
        this.waiting.splice(0, this.waitHead);
        this.waitHead = 0;
      }
      next(); // the slot passes straight to the next waiter
    } else {
      this.inFlight--;
    }
  }

  async request(
    endpoint: Endpoint,
    method: "GET" | "POST",
    path: string,
    headers: Record<string, string> | undefined,
    body?: string,
  ): Promise<Reply> {
    const wait = this.acquire();
    if (wait) {
      const queuedAt = performance.now();
      await wait;
      const waited = performance.now() - queuedAt;
      if (waited > 1 && this.waitSample++ % 8 === 0) this.queueWaits.push(waited);
    }
    let reply: Reply;
    const sentAt = performance.now();
    try {
      const res = await this.pool.request(method, path, headers, body);
      let parsed: Record<string, unknown> | null = null;
      const text = res.body;
      if (text.length > 0 && (text.charCodeAt(0) === 123 || text.charCodeAt(0) === 91)) {
        try {
          const v: unknown = JSON.parse(text);
          if (v && typeof v === "object" && !Array.isArray(v))
            parsed = v as Record<string, unknown>;
        } catch {
          parsed = null;
        }
      }
      reply = { status: res.status, body: parsed, ms: performance.now() - sentAt };
      const ra = res.headers["retry-after"];
      if (ra !== undefined && ra !== "") reply.retryAfterMs = Number(ra) * 1000;
      if (res.headers.etag !== undefined) reply.etag = res.headers.etag;
      const set = res.headers["set-cookie"];
      if (set !== undefined) {
        const ticket = laneTicket(set);
        if (ticket) reply.ticket = ticket;
      }
    } catch (error) {
      reply = { status: 0, body: null, error: errorCode(error), ms: performance.now() - sentAt };
    } finally {
      this.release();
    }
    const c = this.counts[endpoint];
    const key = String(reply.status);
    c.statuses[key] = (c.statuses[key] ?? 0) + 1;
    c.total++;
    if (reply.status === 0) c.errors++;
    this.completed++;
    return reply;
  }

  /** Plain GET outside the herd's accounting (metrics scrapes, set-up checks). */
  async getText(path: string, headers?: Record<string, string>) {
    const res = await this.pool.request("GET", path, headers);
    return { status: res.status, text: res.body };
  }

  async close() {
    await this.pool.destroy();
  }
}

function noop() {}

/** The lane ticket's `name=value` among Set-Cookie headers, if one is there. */
export function laneTicket(set: string | string[]): string | undefined {
  for (const c of Array.isArray(set) ? set : [set]) {
    const pair = c.split(";", 1)[0]!.trim();
    if (pair.startsWith("stampede.lane=") || pair.startsWith("__Secure-stampede.lane="))
      return pair;
  }
  return undefined;
}

function errorCode(error: unknown): string {
  if (error && typeof error === "object" && "code" in error && typeof error.code === "string")
    return error.code;
  return error instanceof Error ? error.name : "error";
}
