import net from "node:net";

/**
 * A lean HTTP/1.1 client over keep-alive sockets, one request at a time per socket, as a browser
 * tab's connection is used. The herd sends up to a hundred thousand presses in ten seconds from
 * the same two cores as the shop: with undici's Pool the herd process used about 160 µs of CPU
 * per request (about 60 with this client), a core the shop needs, and the run measured the
 * client. This one writes each request as one string and reads only what the herd looks at
 * (status, content-length or chunked body, connection, retry-after, etag, set-cookie), like wrk.
 */

export type LeanResponse = {
  status: number;
  /** Lower-case names; set-cookie keeps every value. */
  headers: { "retry-after"?: string; etag?: string; "set-cookie"?: string[] };
  body: string;
};

export class LeanHttpError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

type Pending = {
  resolve: (r: LeanResponse) => void;
  reject: (e: LeanHttpError) => void;
  timer: NodeJS.Timeout;
};

const CRLF2 = Buffer.from("\r\n\r\n");

/** One keep-alive connection: a socket and the response being read on it. */
class Connection {
  readonly socket: net.Socket;
  private pending: Pending | null = null;
  private buf: Buffer = Buffer.alloc(0);
  private head: { status: number; headers: LeanResponse["headers"]; close: boolean } | null = null;
  private length = -1;
  private chunked = false;
  private chunks: Buffer[] = [];
  dead = false;

  constructor(
    port: number,
    host: string,
    private readonly onIdle: (c: Connection) => void,
  ) {
    this.socket = net.connect({ port, host, noDelay: true });
    this.socket.on("data", (d: Buffer) => this.read(d));
    this.socket.on("error", (e: NodeJS.ErrnoException) => this.fail(e.code ?? "ECONNRESET"));
    this.socket.on("close", () => this.fail("ECONNRESET"));
  }

  send(request: string, pending: Pending): void {
    this.pending = pending;
    this.socket.write(request, "utf8");
  }

  private fail(code: string): void {
    this.dead = true;
    const p = this.pending;
    this.pending = null;
    if (p) {
      clearTimeout(p.timer);
      p.reject(new LeanHttpError(code));
    }
    this.socket.destroy();
  }

  timeout(): void {
    this.fail("ETIMEDOUT");
  }

  private read(data: Buffer): void {
    this.buf = this.buf.length === 0 ? data : Buffer.concat([this.buf, data]);
    if (!this.head) {
      const end = this.buf.indexOf(CRLF2);
      if (end === -1) return;
      this.parseHead(this.buf.toString("latin1", 0, end));
      this.buf = this.buf.subarray(end + 4);
    }
    this.readBody();
  }

  private parseHead(text: string): void {
    const lines = text.split("\r\n");
    const status = Number(lines[0]!.slice(9, 12));
    const headers: LeanResponse["headers"] = {};
    let close = false;
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(":");
      const name = line.slice(0, colon).toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === "content-length") this.length = Number(value);
      else if (name === "transfer-encoding") this.chunked = value.toLowerCase() === "chunked";
      else if (name === "connection") close = value.toLowerCase() === "close";
      else if (name === "retry-after" || name === "etag") headers[name] = value;
      else if (name === "set-cookie") (headers["set-cookie"] ??= []).push(value);
    }
    if (status === 204 || status === 304) {
      this.length = 0;
      this.chunked = false;
    }
    this.head = { status, headers, close };
  }

  private readBody(): void {
    if (this.chunked) {
      // size CRLF data CRLF … 0 CRLF CRLF (no trailers from the shop)
      for (;;) {
        const eol = this.buf.indexOf("\r\n");
        if (eol === -1) return;
        const size = parseInt(this.buf.toString("latin1", 0, eol), 16);
        if (this.buf.length < eol + 2 + size + 2) return;
        if (size === 0) return this.done(Buffer.concat(this.chunks));
        this.chunks.push(this.buf.subarray(eol + 2, eol + 2 + size));
        this.buf = this.buf.subarray(eol + 2 + size + 2);
      }
    }
    if (this.length < 0) return; // read to the end of the connection: the close handler fails it
    if (this.buf.length < this.length) return;
    this.done(this.buf.subarray(0, this.length));
  }

  private done(body: Buffer): void {
    const head = this.head!;
    const p = this.pending;
    this.pending = null;
    this.head = null;
    this.buf = Buffer.alloc(0);
    this.length = -1;
    this.chunked = false;
    this.chunks = [];
    if (head.close) {
      this.dead = true;
      this.socket.destroy();
    }
    if (p) {
      clearTimeout(p.timer);
      p.resolve({ status: head.status, headers: head.headers, body: body.toString("utf8") });
    }
    if (!this.dead) this.onIdle(this);
  }
}

/** Keep-alive connections to one origin, opened as needed and reused; the caller bounds them. */
export class LeanPool {
  private readonly idle: Connection[] = [];
  private readonly all = new Set<Connection>();
  private readonly host: string;
  private readonly port: number;
  private readonly hostHeader: string;

  constructor(
    origin: string,
    private readonly timeoutMs: number,
  ) {
    const url = new URL(origin);
    if (url.protocol !== "http:") throw new Error("the herd speaks plain HTTP to loopback only");
    this.host = url.hostname;
    this.port = Number(url.port || 80);
    this.hostHeader = url.host;
  }

  request(
    method: "GET" | "POST",
    path: string,
    headers?: Record<string, string>,
    body?: string,
  ): Promise<LeanResponse> {
    let text = `${method} ${path} HTTP/1.1\r\nhost: ${this.hostHeader}\r\n`;
    if (headers) for (const name in headers) text += `${name}: ${headers[name]}\r\n`;
    if (body !== undefined) text += `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    else text += "\r\n";
    let c = this.idle.pop();
    while (c?.dead) c = this.idle.pop();
    if (!c) {
      c = new Connection(this.port, this.host, (idle) => this.idle.push(idle));
      this.all.add(c);
      const opened = c;
      c.socket.on("close", () => this.all.delete(opened));
    }
    const conn = c;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => conn.timeout(), this.timeoutMs);
      conn.send(text, { resolve, reject, timer });
    });
  }

  async destroy(): Promise<void> {
    for (const c of this.all) c.socket.destroy();
    this.all.clear();
    this.idle.length = 0;
  }
}
