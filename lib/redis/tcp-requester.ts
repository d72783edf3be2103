import { createHash } from "node:crypto";
import type { Requester, UpstashRequest, UpstashResponse } from "@upstash/redis";
import { clusterConnection, singleConnection, type Connection } from "./connection";
import { withDeadline } from "@/lib/resilience/timeout";

/**
 * A `Requester` for `@upstash/redis` over plain TCP (node-redis), to one Redis server or to a
 * Redis Cluster, so the same `Redis` class, Lua scripts and `@upstash/ratelimit` run on
 * self-hosted Redis as on Upstash.
 *
 * Traps handled here:
 * - node-redis 6 speaks RESP3 by default; Upstash's replies are RESP2-shaped, so we ask for RESP2.
 * - Upstash scripts start with `#!lua flags=allow-key-locking`, which open-source Redis rejects:
 *   the shebang line is stripped and the original SHA is mapped to the stripped script's SHA.
 * - A pipeline keeps every command's own reply or error (one failure does not sink the rest).
 */

type Command = (string | number | boolean)[];
type Reply = UpstashResponse<unknown>;

const SHEBANG = /^#!lua[^\n]*\n/;

const sha1 = (s: string) => createHash("sha1").update(s).digest("hex");

export class TcpRequester implements Requester {
  readonly client: Connection;
  private connecting: Promise<unknown> | undefined;
  /** original script SHA → SHA of the script as loaded (shebang stripped) */
  private readonly shaMap = new Map<string, string>();
  /** Commands sent, for the metrics endpoint and the herd report. */
  commandCount = 0;

  /** No single command may take longer: a hung Redis must become an error, not a hung request. */
  private readonly commandTimeoutMs: number;

  /** `target`: a redis:// URL, or a Redis Cluster's seed nodes ("host:port"). */
  constructor(
    target: string | { cluster: readonly string[] },
    options: { name?: string; commandTimeoutMs?: number } = {},
  ) {
    this.commandTimeoutMs = options.commandTimeoutMs ?? 2_000;
    this.client =
      typeof target === "string"
        ? singleConnection(target, options.name)
        : clusterConnection(target.cluster, options.name);
    // Without a listener node-redis throws on connection errors; callers see failed commands instead.
    this.client.on("error", () => {});
  }

  private async ready(): Promise<void> {
    if (this.client.isReady) return;
    if (!this.client.isOpen) {
      this.connecting ??= this.client.connect().finally(() => (this.connecting = undefined));
    }
    // While Redis is down, fail fast instead of queueing: callers answer "unavailable".
    await withDeadline(
      this.connecting ?? Promise.resolve(),
      this.commandTimeoutMs,
      "Redis connect",
    );
    if (!this.client.isReady) throw new Error("not connected");
  }

  async quit(): Promise<void> {
    await this.client.quit();
  }

  /**
   * How many replicas (up to `replicas`) hold every write `markerKey`'s master made before now;
   * a failure to reach it counts as none.
   */
  async replicated(markerKey: string, replicas: number, timeoutMs: number): Promise<number> {
    this.commandCount += 2;
    try {
      await this.ready();
      return await withDeadline(
        this.client.replicated(markerKey, replicas, timeoutMs),
        timeoutMs + this.commandTimeoutMs,
        "Redis WAIT",
      );
    } catch {
      return 0;
    }
  }

  /** Rewrites script commands that open-source Redis would refuse. */
  private translate(cmd: Command): string[] {
    const args = cmd.map((a) => (typeof a === "string" ? a : String(a)));
    const name = args[0]?.toLowerCase();
    if ((name === "eval" || name === "eval_ro") && args[1] && SHEBANG.test(args[1])) {
      const original = sha1(args[1]);
      const stripped = args[1].replace(SHEBANG, "");
      this.shaMap.set(original, sha1(stripped));
      args[1] = stripped;
    } else if ((name === "evalsha" || name === "evalsha_ro") && args[1]) {
      args[1] = this.shaMap.get(args[1]) ?? args[1];
    } else if (
      name === "script" &&
      args[1]?.toLowerCase() === "load" &&
      args[2] &&
      SHEBANG.test(args[2])
    ) {
      const original = sha1(args[2]);
      const stripped = args[2].replace(SHEBANG, "");
      this.shaMap.set(original, sha1(stripped));
      args[2] = stripped;
    }
    return args;
  }

  // send and request are plain promise chains rather than async functions: every Redis command
  // goes through them, and each async layer is another promise per command.
  private send(cmd: Command): Promise<Reply> {
    this.commandCount++;
    let sent: Promise<unknown>;
    try {
      sent = this.client.send(this.translate(cmd));
    } catch (error) {
      return Promise.resolve({ error: errorText(error) });
    }
    return withDeadline(sent, this.commandTimeoutMs, `Redis ${cmd[0]}`).then(
      (result) => ({ result: normalize(result) }),
      (error: unknown) => ({ error: errorText(error) }),
    );
  }

  request<TResult = unknown>(req: UpstashRequest): Promise<UpstashResponse<TResult>> {
    if (this.client.isReady) return this.dispatch(req);
    return this.ready().then(
      () => this.dispatch(req),
      (error: unknown) => {
        throw new Error(`Redis is unreachable: ${errorText(error)}`);
      },
    );
  }

  private dispatch<TResult>(req: UpstashRequest): Promise<UpstashResponse<TResult>> {
    const path = req.path ?? [];
    if (path.length === 0)
      return this.send(req.body as Command) as Promise<UpstashResponse<TResult>>;
    const commands = req.body as Command[];
    if (path[0] === "pipeline") {
      // node-redis writes commands issued in the same tick back to back on the socket.
      return Promise.all(commands.map((c) => this.send(c))) as Promise<UpstashResponse<TResult>>;
    }
    if (path[0] === "multi-exec")
      return this.multiExec(commands) as Promise<UpstashResponse<TResult>>;
    return Promise.reject(new Error(`TcpRequester: unsupported request path /${path.join("/")}`));
  }

  private async multiExec(commands: Command[]): Promise<Reply[]> {
    this.commandCount += commands.length + 2;
    try {
      const replies = await this.client.multi(commands.map((c) => this.translate(c)));
      return replies.map((r) =>
        r instanceof Error ? { error: r.message } : { result: normalize(r) },
      );
    } catch (error) {
      // node-redis reports a transaction with failed commands as one error carrying every reply.
      const replies = (error as { replies?: unknown[] }).replies;
      if (!Array.isArray(replies)) throw error;
      return replies.map((r) =>
        r instanceof Error ? { error: r.message } : { result: normalize(r) },
      );
    }
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** RESP2 replies as Upstash's REST API returns them: strings, integers, null and arrays. */
function normalize(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value.toString("utf8");
  if (Array.isArray(value)) return value.map(normalize);
  if (value === undefined) return null;
  return value;
}
