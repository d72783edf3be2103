import { describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";
import { smtpSettings } from "./smtp-settings";

/** SMTP settings: each mistake stops start-up naming the variable; good ones read as meant. */

const base = { NODE_ENV: "production", AUTH_SECRET: "a".repeat(32), TOKEN_SECRET: "b".repeat(32) };
const settings = (over: Record<string, string>) =>
  smtpSettings(parseEnv({ ...base, ...over } as NodeJS.ProcessEnv));
const refusal = (over: Record<string, string>) => {
  try {
    parseEnv({ ...base, ...over } as NodeJS.ProcessEnv);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("parseEnv accepted it");
};

describe("SMTP settings", () => {
  it.each([
    [{ SMTP_URL: "http://mail.example:25" }, "SMTP_URL: must start with smtp:// or smtps://"],
    [{ SMTP_URL: "smtp://" }, "SMTP_URL: is not a URL"],
    [{ SMTP_URL: "smtp://a:1", SMTP_HOST: "b" }, "SMTP_HOST: cannot be used with SMTP_URL"],
    [{ SMTP_PORT: "25" }, "SMTP_HOST: is required with SMTP_PORT, SMTP_USER or SMTP_PASSWORD"],
    [{ SMTP_HOST: "mail.example", SMTP_PORT: "70000" }, "SMTP_PORT:"],
    [
      { SMTP_HOST: "mail.example", SMTP_USER: "shop" },
      "SMTP_PASSWORD: SMTP_USER and SMTP_PASSWORD go together",
    ],
    [{ SMTP_HOST: "mail.example", SMTP_SECURE: "yes" }, "SMTP_SECURE:"],
    [{ MAIL_FROM: "receipts" }, "MAIL_FROM: must be an address"],
    [{ SMTP_POOL: "0" }, "SMTP_POOL:"],
    [{ PUBLIC_BASE_URL: "shop.example" }, "PUBLIC_BASE_URL: must start with http:// or https://"],
  ])("%j is refused: %s", (over, expected) => {
    expect(refusal(over)).toContain(expected);
  });

  it("a refusal never repeats the password", () => {
    expect(refusal({ SMTP_URL: "smtp://shop:s3cret-pass@", SMTP_HOST: "x" })).not.toContain(
      "s3cret-pass",
    );
  });

  it("SMTP_URL: host, port, TLS and login from the URL; shown without the password", () => {
    expect(settings({ SMTP_URL: "smtps://shop%40x:p%2Fw@mail.example" })).toMatchObject({
      host: "mail.example",
      port: 465,
      secure: true,
      auth: { user: "shop@x", pass: "p/w" },
      shown: "smtps://shop@x@mail.example:465",
    });
    expect(settings({ SMTP_URL: "smtp://127.0.0.1:1025" })).toMatchObject({
      host: "127.0.0.1",
      port: 1025,
      secure: false,
      auth: undefined,
    });
  });

  it("SMTP_HOST and the rest; MAIL_FROM's address is the envelope sender", () => {
    expect(
      settings({
        SMTP_HOST: "mail.example",
        SMTP_USER: "u",
        SMTP_PASSWORD: "p",
        MAIL_FROM: "Shop <receipts@shop.example>",
        SMTP_POOL: "4",
        SMTP_MAX_PER_SECOND: "14",
      }),
    ).toMatchObject({
      host: "mail.example",
      port: 587,
      secure: false,
      auth: { user: "u", pass: "p" },
      from: "Shop <receipts@shop.example>",
      fromAddress: "receipts@shop.example",
      pool: 4,
      maxPerSecond: 14,
    });
  });

  it("nothing set: no SMTP server, receipts wait", () => {
    expect(settings({})).toBeNull();
  });
});
