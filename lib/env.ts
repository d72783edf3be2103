import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import path from "node:path";
import { z } from "zod";

/**
 * Every setting, parsed once. A bad value is a start-up error that names the variable;
 * secrets are required in production and generated (and kept under .data/) in development.
 */

const secret = z.string().min(32, "must be at least 32 characters");
const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === "" ? undefined : v))
    .refine((v) => v === undefined || protocols.some((p) => v.startsWith(p)), {
      message: `must start with ${protocols.join(" or ")}`,
    });

/** One address or CIDR block, e.g. "10.0.0.5" or "10.0.0.0/8" or "fd00::/8". */
export type TrustedProxy = { address: string; prefix: number; family: "ipv4" | "ipv6" };

const trustedProxies = z
  .string()
  .default("")
  .transform((v, ctx) => {
    const out: TrustedProxy[] = [];
    for (const part of v
      .split(",")
      .map((p) => p.trim())
      .filter(Boolean)) {
      const [address = "", bits, extra] = part.split("/");
      const version = isIP(address);
      const max = version === 6 ? 128 : 32;
      const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
      if (!version || extra !== undefined || !(prefix >= 0 && prefix <= max)) {
        ctx.addIssue({
          code: "custom",
          message: `"${part}" is not an IP address or CIDR block (e.g. 10.0.0.5 or 10.0.0.0/8)`,
        });
        return z.NEVER;
      }
      out.push({ address, prefix, family: version === 6 ? "ipv6" : "ipv4" });
    }
    return out;
  });

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    DATABASE_URL: optionalUrl(["postgres://", "postgresql://"]),
    PGLITE_DIR: z.string().default(".data/pglite"),
    REDIS_URL: optionalUrl(["redis://", "rediss://"]),
    /** Seed nodes of a Redis Cluster ("host:port,host:port"); when set, REDIS_URL is not used. */
    REDIS_CLUSTER_NODES: z
      .string()
      .trim()
      .optional()
      .transform((v, ctx) => {
        const nodes = (v ?? "")
          .split(",")
          .map((n) => n.trim())
          .filter(Boolean);
        const bad = nodes.find((n) => !/^[A-Za-z0-9.-]+:\d{1,5}$/.test(n));
        if (bad) {
          ctx.addIssue({ code: "custom", message: `"${bad}" is not host:port` });
          return z.NEVER;
        }
        return nodes.length > 0 ? nodes : undefined;
      }),
    /**
     * Replicas that must hold a hold or a purchase before the shopper is told about it (WAIT);
     * default 1 on a Redis Cluster, 0 (no WAIT) on one Redis. See docs/operations.md.
     */
    REDIS_WAIT_REPLICAS: z.coerce.number().int().min(0).max(5).optional(),
    /** How long WAIT may take before the answer is "unavailable, retry" (ms). */
    REDIS_WAIT_MS: z.coerce.number().int().min(1).max(5_000).default(250),
    /** No Redis command over TCP may take longer (ms): a hung Redis becomes an error, not a hang. */
    REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(1).max(60_000).default(2_000),
    UPSTASH_REDIS_REST_URL: optionalUrl(["http://", "https://"]),
    UPSTASH_REDIS_REST_TOKEN: z.string().optional(),
    REDIS_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9:_-]*$/, "letters, digits, ':', '_' and '-' only")
      .default("stp:"),
    AUTH_SECRET: secret.optional(),
    /**
     * How the sale routes decrypt the session cookie and MAC lane tickets (lib/auth/session-crypto.ts):
     * "hand" (our node:crypto code) or "library" (next-auth/jwt's decode, createHmac). Same cache
     * in front of both; for measuring one against the other.
     */
    SESSION_DECODER: z.enum(["hand", "library"]).default("hand"),
    /** Bearer token for /api/metrics; unset means the endpoint answers 404. */
    METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
    TOKEN_SECRET: secret.optional(),
    LOG_LEVEL: z
      .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
      .default("info"),
    /** Per-policy rate-limit overrides: "buyNow=10/10s,checkout=10/60s". */
    RATE_LIMITS: z
      .string()
      .default("")
      .transform((v, ctx) => {
        const out: Record<string, { limit: number; windowSeconds: number }> = {};
        for (const part of v
          .split(",")
          .map((p) => p.trim())
          .filter(Boolean)) {
          const m = /^([A-Za-z]+)=(\d{1,6})\/(\d{1,6})s$/.exec(part);
          if (!m || Number(m[2]) < 1 || Number(m[3]) < 1) {
            ctx.addIssue({
              code: "custom",
              message: `"${part}" is not name=LIMIT/SECONDSs (e.g. buyNow=10/10s)`,
            });
            return z.NEVER;
          }
          out[m[1]!] = { limit: Number(m[2]), windowSeconds: Number(m[3]) };
        }
        return out;
      }),
    /**
     * Load balancers whose X-Forwarded-For is believed (lib/http/forwarded.ts). Empty: none, and
     * the client is the socket's peer.
     */
    TRUSTED_PROXIES: trustedProxies,
    /**
     * "1": a request with `x-stampede-lane: next` goes to the Next.js route handlers instead of
     * the fast lane (contract tests, benchmarks). Unset, the header is ignored: a client could
     * otherwise send its presses down the slower path. Not for production.
     */
    ALLOW_LANE_OVERRIDE: z
      .enum(["0", "1", ""])
      .default("")
      .transform((v) => v === "1"),
    /** Where `npm start` (server.ts) listens. */
    PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
    HOST: z.string().trim().min(1).default("127.0.0.1"),
    /** "off": this instance runs no outbox worker (dedicated `scripts/worker.ts` processes do). */
    OUTBOX_WORKER: z.enum(["on", "off", ""]).default("on"),
    /** The Next.js process's local socket; set by server.ts for the processes it starts. */
    STAMPEDE_NEXT_SOCKET: z.string().min(1).optional(),
    /** Fast-lane processes server.ts runs (node:cluster); unset: one per core. */
    FAST_LANE_PROCESSES: z.coerce.number().int().min(1).max(256).optional(),
    /** Holds shorter than this are refused by the sale validator (seconds). */
    MIN_HOLD_SECONDS: z.coerce.number().int().min(1).max(3600).default(2),
    /** The shop's address as shoppers reach it: links in receipt emails. Unset: http://HOST:PORT. */
    PUBLIC_BASE_URL: optionalUrl(["http://", "https://"]),
    /** Where receipts go (lib/receipts/smtp-settings.ts): SMTP_URL, or SMTP_HOST and the rest. */
    SMTP_URL: optionalUrl(["smtp://", "smtps://"]),
    SMTP_HOST: z.string().trim().min(1).optional(),
    SMTP_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
    SMTP_USER: z.string().min(1).optional(),
    SMTP_PASSWORD: z.string().min(1).optional(),
    /** "1": TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
    SMTP_SECURE: z
      .enum(["0", "1", ""])
      .default("")
      .transform((v) => (v === "" ? undefined : v === "1")),
    MAIL_FROM: z
      .string()
      .trim()
      .regex(
        /^([^<>]*<)?[^\s@<>]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}>?$/,
        'must be an address, e.g. "Shop <receipts@shop.example>"',
      )
      .default("Stampede <receipts@stampede.test>"),
    /** SMTP connections each outbox worker keeps open and sends on, one message at a time each. */
    SMTP_POOL: z.coerce.number().int().min(1).max(20).default(2),
    /** Most receipts one worker hands to the SMTP server per second (unset: as fast as it answers). */
    SMTP_MAX_PER_SECOND: z.coerce.number().int().min(1).max(10_000).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.UPSTASH_REDIS_REST_URL && !v.UPSTASH_REDIS_REST_TOKEN) {
      ctx.addIssue({
        code: "custom",
        path: ["UPSTASH_REDIS_REST_TOKEN"],
        message: "is required with UPSTASH_REDIS_REST_URL",
      });
    }
    if (v.SMTP_URL && v.SMTP_HOST) {
      ctx.addIssue({
        code: "custom",
        path: ["SMTP_HOST"],
        message: "cannot be used with SMTP_URL (pick one way to name the SMTP server)",
      });
    }
    if (v.SMTP_URL && !(URL.canParse(v.SMTP_URL) && new URL(v.SMTP_URL).hostname)) {
      ctx.addIssue({
        code: "custom",
        path: ["SMTP_URL"],
        message: "is not a URL (smtp://user:password@host:port)",
      });
    }
    if (!v.SMTP_URL && !v.SMTP_HOST && (v.SMTP_PORT || v.SMTP_USER || v.SMTP_PASSWORD)) {
      ctx.addIssue({
        code: "custom",
        path: ["SMTP_HOST"],
        message: "is required with SMTP_PORT, SMTP_USER or SMTP_PASSWORD",
      });
    }
    if (Boolean(v.SMTP_USER) !== Boolean(v.SMTP_PASSWORD)) {
      ctx.addIssue({
        code: "custom",
        path: [v.SMTP_USER ? "SMTP_PASSWORD" : "SMTP_USER"],
        message: "SMTP_USER and SMTP_PASSWORD go together",
      });
    }
    if (v.UPSTASH_REDIS_REST_URL && v.REDIS_CLUSTER_NODES) {
      ctx.addIssue({
        code: "custom",
        path: ["REDIS_CLUSTER_NODES"],
        message: "cannot be used with UPSTASH_REDIS_REST_URL (pick one Redis)",
      });
    }
  });

export type Env = z.infer<typeof schema> & { AUTH_SECRET: string; TOKEN_SECRET: string };

/** Secrets for local runs of this checkout, generated once and kept in .data/secrets.json (mode 600). */
export type LocalSecrets = {
  AUTH_SECRET: string;
  TOKEN_SECRET: string;
  NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: string;
  METRICS_TOKEN: string;
  /** The private redis-server's `requirepass` (scripts/lib/services.ts); not an app setting. */
  REDIS_PASSWORD: string;
};

export function localSecrets(): LocalSecrets {
  const file = path.join(process.cwd(), ".data", "secrets.json");
  const kept: Partial<LocalSecrets> = existsSync(file)
    ? JSON.parse(readFileSync(file, "utf8"))
    : {};
  const secrets: LocalSecrets = {
    AUTH_SECRET: kept.AUTH_SECRET ?? randomBytes(32).toString("base64url"),
    TOKEN_SECRET: kept.TOKEN_SECRET ?? randomBytes(32).toString("base64url"),
    NEXT_SERVER_ACTIONS_ENCRYPTION_KEY:
      kept.NEXT_SERVER_ACTIONS_ENCRYPTION_KEY ?? randomBytes(32).toString("base64"),
    METRICS_TOKEN: kept.METRICS_TOKEN ?? randomBytes(18).toString("base64url"),
    REDIS_PASSWORD: kept.REDIS_PASSWORD ?? randomBytes(24).toString("hex"),
  };
  if (Object.keys(kept).length !== Object.keys(secrets).length) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return secrets;
}

export function parseEnv(source: NodeJS.ProcessEnv): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  const v = parsed.data;
  if (v.AUTH_SECRET && v.TOKEN_SECRET)
    return { ...v, AUTH_SECRET: v.AUTH_SECRET, TOKEN_SECRET: v.TOKEN_SECRET };
  if (v.NODE_ENV === "production") {
    const missing = ["AUTH_SECRET", "TOKEN_SECRET"].filter((k) => !v[k as "AUTH_SECRET"]);
    throw new Error(
      `Invalid environment:\n${missing.map((k) => `  ${k}: is required in production (at least 32 random characters, e.g. \`openssl rand -base64 32\`)`).join("\n")}`,
    );
  }
  const dev = localSecrets();
  return {
    ...v,
    AUTH_SECRET: v.AUTH_SECRET ?? dev.AUTH_SECRET,
    TOKEN_SECRET: v.TOKEN_SECRET ?? dev.TOKEN_SECRET,
  };
}

/**
 * LOG_LEVEL alone: lib/log.ts is imported by scripts that never need (or generate) the secrets
 * the full parse asks for.
 */
export const logLevel = () => schema.shape.LOG_LEVEL.parse(process.env.LOG_LEVEL);

let cached: Env | undefined;

/** The parsed environment of this process (parsed on first use, then kept). */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
