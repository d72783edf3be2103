import { EventEmitter } from "node:events";
import { mkdirSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

/**
 * A local mail catcher: an SMTP server that keeps every message it accepts instead of
 * delivering it, and a small HTTP page and JSON API to read them. `npm start` runs one when no
 * SMTP server is configured; the tests and the receipts drill run their own.
 * Built on the nodemailer project's `smtp-server` and `mailparser`: like any SMTP server, a
 * message whose connection closes before its final "." is dropped, never kept.
 */

export type CaughtMail = {
  seq: number;
  messageId: string | null;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string | null;
  receivedAt: string;
};

export type MailCatcherOptions = {
  host?: string;
  /** 0: any free port. */
  smtpPort?: number;
  /** The HTTP reader's port; null for none. */
  httpPort?: number | null;
  /** Also write each message as <seq>.eml here. */
  dir?: string;
  /** Wait this long before answering RCPT TO and the final "." (a slow server, for drills). */
  replyDelayMs?: number;
  /** Require this login (to test settings); by default any client may send. */
  auth?: { user: string; pass: string };
};

export type MailCatcher = {
  readonly smtpPort: number;
  readonly smtpUrl: string;
  readonly httpUrl: string | null;
  readonly messages: CaughtMail[];
  /** "rcpt" (an envelope on its way), "data" (a whole message, before the server answers it). */
  readonly events: EventEmitter;
  /** Changes the reply delay from now on. */
  setReplyDelay(ms: number): void;
  close(): Promise<void>;
};

const listen = (
  server: { listen: (port: number, host: string, cb: () => void) => unknown },
  port: number,
  host: string,
) => new Promise<void>((resolve) => server.listen(port, host, resolve));

const escapeHtml = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

export async function startMailCatcher(o: MailCatcherOptions = {}): Promise<MailCatcher> {
  const host = o.host ?? "127.0.0.1";
  const messages: CaughtMail[] = [];
  const events = new EventEmitter();
  let replyDelayMs = o.replyDelayMs ?? 0;
  const delay = () => new Promise((r) => setTimeout(r, replyDelayMs));
  if (o.dir) mkdirSync(o.dir, { recursive: true });

  const smtp = new SMTPServer({
    logger: false,
    secure: false,
    disabledCommands: o.auth ? ["STARTTLS"] : ["STARTTLS", "AUTH"],
    authOptional: !o.auth,
    allowInsecureAuth: true,
    size: 10 * 1024 * 1024,
    onAuth(auth, _session, callback) {
      if (o.auth && auth.username === o.auth.user && auth.password === o.auth.pass)
        return callback(null, { user: auth.username });
      callback(Object.assign(new Error("Invalid username or password"), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      events.emit("rcpt", address.address);
      void delay().then(() => callback());
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("error", () => {}); // cut before its "." (smtp-server destroys it): not kept
      stream.on("end", () => {
        const raw = Buffer.concat(chunks);
        void simpleParser(raw).then(
          async (parsed) => {
            const mail: CaughtMail = {
              seq: messages.length + 1,
              messageId: parsed.messageId ?? null,
              from: parsed.from?.text ?? "",
              to: [parsed.to ?? []].flat().flatMap((a) => a.value.map((v) => v.address ?? "")),
              subject: parsed.subject ?? "",
              text: parsed.text ?? "",
              html: typeof parsed.html === "string" ? parsed.html : null,
              receivedAt: new Date().toISOString(),
            };
            messages.push(mail);
            if (o.dir) writeFileSync(path.join(o.dir, `${mail.seq}.eml`), raw);
            events.emit("data", mail);
            await delay();
            callback(null, `queued as ${mail.seq}`);
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  smtp.on("error", () => {});
  await listen(smtp, o.smtpPort ?? 0, host);
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  let web: http.Server | null = null;
  if (o.httpPort !== null) {
    web = http.createServer((req, res) => serveReader(messages, req, res));
    await listen(web, o.httpPort ?? 0, host);
  }
  const httpUrl = web ? `http://${host}:${(web.address() as AddressInfo).port}` : null;

  return {
    smtpPort,
    smtpUrl: `smtp://${host}:${smtpPort}`,
    httpUrl,
    messages,
    events,
    setReplyDelay(ms) {
      replyDelayMs = ms;
    },
    async close() {
      await new Promise<void>((r) => smtp.close(() => r()));
      if (web) {
        web.closeAllConnections();
        await new Promise<void>((r) => web!.close(() => r()));
      }
    },
  };
}

/**
 * GET / (a list), /messages/<seq> (one message, its HTML shown sandboxed: no script runs, nothing
 * loads), /api/messages (every message as JSON).
 */
function serveReader(messages: CaughtMail[], req: http.IncomingMessage, res: http.ServerResponse) {
  const url = new URL(req.url ?? "/", "http://catcher");
  const send = (
    status: number,
    type: string,
    body: string,
    headers: http.OutgoingHttpHeaders = {},
  ) => {
    res.writeHead(status, { "content-type": type, "cache-control": "no-store", ...headers });
    res.end(body);
  };
  if (req.method !== "GET") return send(405, "text/plain", "GET only");
  if (url.pathname === "/api/messages")
    return send(200, "application/json", JSON.stringify(messages));
  const one = /^\/messages\/(\d+)$/.exec(url.pathname);
  if (one) {
    const m = messages[Number(one[1]) - 1];
    if (!m) return send(404, "text/plain", "no such message");
    return send(200, "text/html; charset=utf-8", m.html ?? `<pre>${escapeHtml(m.text)}</pre>`, {
      "content-security-policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'",
    });
  }
  if (url.pathname !== "/") return send(404, "text/plain", "not found");
  const rows = messages
    .slice()
    .reverse()
    .map(
      (m) =>
        `<tr><td>${m.seq}</td><td>${escapeHtml(m.receivedAt)}</td><td>${escapeHtml(m.to.join(", "))}</td><td><a href="/messages/${m.seq}">${escapeHtml(m.subject || "(no subject)")}</a></td></tr>`,
    )
    .join("");
  send(
    200,
    "text/html; charset=utf-8",
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Mail caught (${messages.length})</title></head><body style="font-family:system-ui,sans-serif"><h1>Mail caught: ${messages.length}</h1><table><thead><tr><th scope="col">#</th><th scope="col">received</th><th scope="col">to</th><th scope="col">subject</th></tr></thead><tbody>${rows}</tbody></table></body></html>`,
    { "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'" },
  );
}
