import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { parseEnv } from "./env";

/**
 * lib/env.ts: a bad setting stops start-up with a message naming it; production refuses to run
 * without its secrets; development generates them (here in a scratch directory, never in the
 * checkout's own .data/, which a running shop may be using).
 */

const S1 = "a".repeat(32);
const S2 = "b".repeat(40);
const prod = (over: Record<string, string | undefined> = {}) =>
  ({ NODE_ENV: "production", AUTH_SECRET: S1, TOKEN_SECRET: S2, ...over }) as NodeJS.ProcessEnv;

/** The message parseEnv throws for `source`. */
const refusal = (source: NodeJS.ProcessEnv): string => {
  try {
    parseEnv(source);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("parseEnv accepted it");
};

let scratch = "";
beforeEach(() => {
  scratch = mkdtempSync(path.join(tmpdir(), "stampede-env-"));
  vi.spyOn(process, "cwd").mockReturnValue(scratch);
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(scratch, { recursive: true, force: true });
});

describe("secrets in production", () => {
  it("without AUTH_SECRET and TOKEN_SECRET: refuses to start, naming both and saying how to make one", () => {
    const message = refusal({ NODE_ENV: "production" });
    expect(message).toMatch(/^Invalid environment:/);
    expect(message).toContain("AUTH_SECRET: is required in production");
    expect(message).toContain("TOKEN_SECRET: is required in production");
    expect(message).toContain("openssl rand -base64 32");
  });

  it.each(["AUTH_SECRET", "TOKEN_SECRET"])("without %s alone: names just that one", (name) => {
    const message = refusal(prod({ [name]: undefined }));
    expect(message).toContain(`${name}: is required in production`);
    const other = name === "AUTH_SECRET" ? "TOKEN_SECRET" : "AUTH_SECRET";
    expect(message).not.toContain(other);
  });

  it("does not fall back to generated secrets (nothing is written)", () => {
    refusal({ NODE_ENV: "production" });
    expect(() => statSync(path.join(scratch, ".data", "secrets.json"))).toThrow();
  });

  it.each([
    ["AUTH_SECRET", "short"],
    ["TOKEN_SECRET", "x".repeat(31)],
    ["AUTH_SECRET", ""],
  ])("%s of %j: refused as too short, in production and in development", (name, value) => {
    for (const env of [prod({ [name]: value }), { NODE_ENV: "development", [name]: value }])
      expect(refusal(env as NodeJS.ProcessEnv)).toContain(
        `${name}: must be at least 32 characters`,
      );
  });

  it("with both secrets: starts, and uses them as given", () => {
    const env = parseEnv(prod());
    expect(env).toMatchObject({ NODE_ENV: "production", AUTH_SECRET: S1, TOKEN_SECRET: S2 });
  });
});

describe("other settings are checked and named", () => {
  it.each([
    ["DATABASE_URL", "mysql://root@db/shop", "must start with postgres:// or postgresql://"],
    ["DATABASE_URL", "localhost:5432", "must start with postgres:// or postgresql://"],
    ["REDIS_URL", "http://127.0.0.1:6379", "must start with redis:// or rediss://"],
    ["REDIS_URL", "127.0.0.1:6379", "must start with redis:// or rediss://"],
    ["UPSTASH_REDIS_REST_URL", "redis://x", "must start with http:// or https://"],
    ["REDIS_PREFIX", "stp prod:", "letters, digits, ':', '_' and '-' only"],
    ["METRICS_TOKEN", "short", "must be at least 16 characters"],
    ["MIN_HOLD_SECONDS", "0", "MIN_HOLD_SECONDS"],
    ["MIN_HOLD_SECONDS", "abc", "MIN_HOLD_SECONDS"],
    ["LOG_LEVEL", "loud", "LOG_LEVEL"],
    ["NODE_ENV", "staging", "NODE_ENV"],
  ])("%s=%j is refused, naming it", (name, value, expected) => {
    const message = refusal(prod({ [name]: value }));
    expect(message).toContain(`${name}:`);
    expect(message).toContain(expected);
  });

  it.each([
    "buyNow",
    "buyNow=10",
    "buyNow=10/10",
    "buyNow=0/10s",
    "buyNow=10/0s",
    "buyNow=-1/10s",
    "buyNow=1e3/10s",
    "buyNow=10/10m",
    "=10/10s",
    "buyNow=10/10s;checkout=1/1s",
  ])("RATE_LIMITS=%j is refused, naming the variable and the part", (value) => {
    const message = refusal(prod({ RATE_LIMITS: value }));
    expect(message).toContain("RATE_LIMITS:");
    expect(message).toContain("is not name=LIMIT/SECONDSs");
  });

  it("RATE_LIMITS that parse are kept per policy", () => {
    expect(parseEnv(prod({ RATE_LIMITS: " buyNow=5/2s , checkout=20/60s " })).RATE_LIMITS).toEqual({
      buyNow: { limit: 5, windowSeconds: 2 },
      checkout: { limit: 20, windowSeconds: 60 },
    });
  });

  it("an Upstash URL without its token names the token", () => {
    expect(refusal(prod({ UPSTASH_REDIS_REST_URL: "https://x.upstash.io" }))).toContain(
      "UPSTASH_REDIS_REST_TOKEN: is required with UPSTASH_REDIS_REST_URL",
    );
  });

  it("REDIS_CLUSTER_NODES: a list of host:port seeds; anything else names the bad entry", () => {
    const env = parseEnv(prod({ REDIS_CLUSTER_NODES: " 10.0.0.1:7000, redis-b:7001 ," }));
    expect(env.REDIS_CLUSTER_NODES).toEqual(["10.0.0.1:7000", "redis-b:7001"]);
    expect(parseEnv(prod({ REDIS_CLUSTER_NODES: "" })).REDIS_CLUSTER_NODES).toBeUndefined();
    expect(refusal(prod({ REDIS_CLUSTER_NODES: "10.0.0.1:7000,redis://b:7001" }))).toContain(
      'REDIS_CLUSTER_NODES: "redis://b:7001" is not host:port',
    );
    expect(
      refusal(
        prod({
          REDIS_CLUSTER_NODES: "a:1",
          UPSTASH_REDIS_REST_URL: "https://x.upstash.io",
          UPSTASH_REDIS_REST_TOKEN: "t",
        }),
      ),
    ).toContain("REDIS_CLUSTER_NODES: cannot be used with UPSTASH_REDIS_REST_URL");
    expect(refusal(prod({ REDIS_WAIT_REPLICAS: "-1" }))).toContain("REDIS_WAIT_REPLICAS");
  });

  it("several mistakes at once are all named, one per line", () => {
    const message = refusal(prod({ REDIS_URL: "x", DATABASE_URL: "y", METRICS_TOKEN: "z" }));
    expect(message.split("\n").filter((l) => /^ {2}\w+:/.test(l))).toHaveLength(3);
  });

  it("empty URLs mean unset (PGlite, the private Redis)", () => {
    const env = parseEnv(prod({ DATABASE_URL: "", REDIS_URL: " " }));
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.REDIS_URL).toBeUndefined();
  });
});

describe("development", () => {
  it("generates secrets of 32+ characters once, keeps them (mode 600) and reuses them", () => {
    const first = parseEnv({ NODE_ENV: "development" });
    expect(first.AUTH_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(first.TOKEN_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(first.AUTH_SECRET).not.toBe(first.TOKEN_SECRET);
    const file = path.join(scratch, ".data", "secrets.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const kept = JSON.parse(readFileSync(file, "utf8"));
    expect(kept).toMatchObject({
      AUTH_SECRET: first.AUTH_SECRET,
      TOKEN_SECRET: first.TOKEN_SECRET,
    });
    expect(Object.keys(kept).sort()).toEqual([
      "AUTH_SECRET",
      "METRICS_TOKEN",
      "NEXT_SERVER_ACTIONS_ENCRYPTION_KEY",
      "REDIS_PASSWORD",
      "TOKEN_SECRET",
    ]);
    const again = parseEnv({} as NodeJS.ProcessEnv);
    expect(again).toMatchObject({
      NODE_ENV: "development",
      AUTH_SECRET: first.AUTH_SECRET,
      TOKEN_SECRET: first.TOKEN_SECRET,
    });
  });

  it("a secret that is set wins over the generated one", () => {
    expect(parseEnv({ NODE_ENV: "development", AUTH_SECRET: S1 })).toMatchObject({
      AUTH_SECRET: S1,
      TOKEN_SECRET: expect.any(String),
    });
  });

  it("defaults for everything else", () => {
    expect(parseEnv({ NODE_ENV: "test" })).toMatchObject({
      PGLITE_DIR: ".data/pglite",
      REDIS_PREFIX: "stp:",
      LOG_LEVEL: "info",
      RATE_LIMITS: {},
      MIN_HOLD_SECONDS: 2,
    });
  });
});
