import bcrypt from "bcryptjs";
import { describe, expect, it } from "vitest";
import { checkPassword, hashPassword, verifyPassword } from "./password";
import { weakPasswordMessage } from "./password-strength";

describe("password hashes", () => {
  it("tell apart two passwords that share their first 72 bytes", async () => {
    const head = "é".repeat(36); // 72 bytes of UTF-8
    const hash = await hashPassword(`${head}one`);
    expect(await verifyPassword(`${head}one`, hash)).toBe(true);
    expect(await verifyPassword(`${head}two`, hash)).toBe(false);
    expect(await verifyPassword(head, hash)).toBe(false);
  });

  it("still verify a plain bcrypt hash from before, and ask for it to be upgraded", async () => {
    const legacy = await bcrypt.hash("stampede-shopper", 4);
    expect(await checkPassword("stampede-shopper", legacy)).toEqual({ ok: true, upgrade: true });
    expect(await checkPassword("wrong", legacy)).toEqual({ ok: false, upgrade: false });
    const fresh = await hashPassword("stampede-shopper");
    expect(await checkPassword("stampede-shopper", fresh)).toEqual({ ok: true, upgrade: false });
  });

  it("an unknown account never verifies", async () => {
    expect(await verifyPassword("anything", undefined)).toBe(false);
    expect(await verifyPassword("anything", null)).toBe(false);
  });
});

describe("password strength", () => {
  it("refuses guessable passwords with a sentence", () => {
    for (const weak of [
      "12345678",
      "password",
      "        ",
      "qwertyuiop",
      "aaaaaaaaaaaa",
      "Password1!",
    ])
      expect(weakPasswordMessage(weak), JSON.stringify(weak)).toMatch(
        /^This password is too easy to guess\./,
      );
  });

  it("counts the shopper's own name and email as known words", () => {
    expect(weakPasswordMessage("ZanzibarQuokka", [])).toBeNull();
    expect(
      weakPasswordMessage("ZanzibarQuokka", ["Zanzibar Quokka", "zq@example.com"]),
    ).not.toBeNull();
  });

  it("accepts long passphrases and judges only their first 64 characters", () => {
    expect(weakPasswordMessage("amber-tugboat-sings-at-noon")).toBeNull();
    const started = performance.now();
    expect(weakPasswordMessage(`${"correct horse battery staple ".repeat(7)}`)).toBeNull();
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
