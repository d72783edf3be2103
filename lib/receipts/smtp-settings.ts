import type { Env } from "@/lib/env";

/** Where receipts are sent and how, from the environment (lib/env.ts has checked each field). */
export type SmtpSettings = {
  host: string;
  port: number;
  /** TLS from the first byte; otherwise STARTTLS when the server offers it. */
  secure: boolean;
  auth?: { user: string; pass: string };
  /** The From header as given, and the bare address for the envelope and the Message-ID domain. */
  from: string;
  fromAddress: string;
  pool: number;
  maxPerSecond?: number;
  /** For logs and start-up lines: never the password. */
  shown: string;
};

type SmtpEnv = Pick<
  Env,
  | "SMTP_URL"
  | "SMTP_HOST"
  | "SMTP_PORT"
  | "SMTP_USER"
  | "SMTP_PASSWORD"
  | "SMTP_SECURE"
  | "MAIL_FROM"
  | "SMTP_POOL"
  | "SMTP_MAX_PER_SECOND"
>;

export const addressOf = (from: string) => /<([^>]+)>/.exec(from)?.[1] ?? from;

/** The SMTP server receipts go to, or null when none is configured (receipts then wait). */
export function smtpSettings(e: SmtpEnv): SmtpSettings | null {
  let host: string;
  let port: number | undefined;
  let secure = e.SMTP_SECURE;
  let auth =
    e.SMTP_USER && e.SMTP_PASSWORD ? { user: e.SMTP_USER, pass: e.SMTP_PASSWORD } : undefined;
  if (e.SMTP_URL) {
    const url = new URL(e.SMTP_URL);
    host = url.hostname.replace(/^\[|\]$/g, "");
    port = url.port ? Number(url.port) : undefined;
    secure ??= url.protocol === "smtps:";
    if (url.username)
      auth = {
        user: decodeURIComponent(url.username),
        pass: decodeURIComponent(url.password),
      };
  } else if (e.SMTP_HOST) {
    host = e.SMTP_HOST;
    port = e.SMTP_PORT;
  } else return null;
  secure ??= port === 465;
  port ??= secure ? 465 : 587;
  return {
    host,
    port,
    secure,
    auth,
    from: e.MAIL_FROM,
    fromAddress: addressOf(e.MAIL_FROM),
    pool: e.SMTP_POOL,
    maxPerSecond: e.SMTP_MAX_PER_SECOND,
    shown: `${secure ? "smtps" : "smtp"}://${auth ? `${auth.user}@` : ""}${host}:${port}`,
  };
}
