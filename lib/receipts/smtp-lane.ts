import { hostname } from "node:os";
import type { Readable } from "node:stream";
import SMTPConnection from "nodemailer/lib/smtp-connection";
import type { SmtpSettings } from "./smtp-settings";

/**
 * One long-lived SMTP connection that sends one message at a time: a worker keeps `SMTP_POOL`
 * of them, so a drop of 10,000 orders is 10,000 messages over a few connections, not 10,000
 * connections. nodemailer's SMTPConnection rather than its pool transport: the pool reads the
 * message before the server has accepted the envelope, and the sender must know the moment the
 * final "." is written (./final-dot.ts).
 */

export type SmtpFailure = Error & { code?: string; responseCode?: number; response?: string };

/** A message the server refused with a 5xx: retrying soon will not change its mind. */
export const isRefusal = (e: SmtpFailure) => (e.responseCode ?? 0) >= 500 && e.code !== "EAUTH";

/** The settings are wrong (login refused): every receipt would fail the same way. */
export const isSettingsError = (e: SmtpFailure) => e.code === "EAUTH";

/** The failure as an operator reads it: what we tried, where, and what the server said. */
export function describeFailure(s: SmtpSettings, e: SmtpFailure): string {
  if (e.code === "EAUTH")
    return `the SMTP server ${s.shown} refused the login (check SMTP_USER / SMTP_PASSWORD or SMTP_URL): ${e.response ?? e.message}`;
  if (e.responseCode) return `the SMTP server ${s.shown} answered ${e.response ?? e.message}`;
  return `cannot talk to the SMTP server ${s.shown}: ${e.message}`;
}

export class SmtpLane {
  private conn: SMTPConnection | null = null;

  constructor(private readonly s: SmtpSettings) {}

  private async open(): Promise<SMTPConnection> {
    const conn = new SMTPConnection({
      host: this.s.host,
      port: this.s.port,
      secure: this.s.secure,
      name: hostname(),
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      // Well under the receipt transaction's lease (sender.ts): a stalled server fails the send
      // and gives the receipt back long before PostgreSQL would take it away.
      socketTimeout: 20_000,
      logger: false,
    });
    await new Promise<void>((resolve, reject) => {
      conn.once("error", reject);
      conn.connect(() => {
        conn.off("error", reject);
        resolve();
      });
    });
    const drop = () => {
      if (this.conn === conn) this.conn = null;
    };
    conn.on("error", drop);
    conn.on("end", drop);
    if (this.s.auth) {
      await new Promise<void>((resolve, reject) =>
        conn.login(this.s.auth!, (err) => (err ? reject(err) : resolve())),
      ).catch((error: unknown) => {
        conn.close();
        throw error;
      });
    }
    return conn;
  }

  /** Sends one message; resolves with the server's reply to the final ".". */
  async send(envelope: { from: string; to: string[] }, body: Readable): Promise<string> {
    this.conn ??= await this.open();
    const conn = this.conn;
    return new Promise<string>((resolve, reject) =>
      conn.send(envelope, body, (err, info) => {
        if (err) {
          // On a refused envelope nodemailer still drains the message stream; destroyed here,
          // synchronously, it is never read to its end, so the sender never commits it as sent.
          body.destroy();
          // A connection in an unknown state is not reused: the next send opens a new one.
          this.close();
          reject(err);
        } else resolve(info.response);
      }),
    );
  }

  close() {
    const conn = this.conn;
    this.conn = null;
    if (!conn) return;
    try {
      conn.quit();
    } catch {
      conn.close();
    }
  }
}
