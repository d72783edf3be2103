import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { users } from "@/db/schema";
import { nastyString, storable } from "@/test/support/hostile";
import { signInSchema, signUpSchema } from "./schemas";

/**
 * The sign-in and sign-up forms' schemas (the server actions parse FormData with them) under
 * hostile input: a refusal names the field with a sentence; whatever is accepted, PostgreSQL
 * can store — a NUL in a name used to make the sign-up insert throw (a 500 from the action).
 */

const RUNS = 400;
/** Addresses the (deliberately plain) email rule takes. */
const plainEmail = fc
  .tuple(fc.stringMatching(/^[a-z0-9._+-]{1,30}$/), fc.stringMatching(/^[a-z0-9-]{1,20}$/))
  .filter(([local]) => !/^\.|\.$|\.\./.test(local))
  .map(([local, host]) => `${local}@${host}.example`);

/** What FormData.get can give a server action, and then some. */
const field = fc.oneof(
  nastyString,
  fc.constantFrom(null, undefined, 0, -1, Number.NaN, true, {}, [], ["a@b.co"], { toString: 1 }),
  fc.emailAddress(),
  plainEmail.map((e) => `  ${e.toUpperCase()}\u0000`),
  plainEmail.map((e) => `${e}\u202e`),
);

const FIELDS = ["name", "email", "password"] as const;

function expectFieldMessages(issues: { path: PropertyKey[]; message: string }[]) {
  expect(issues.length).toBeGreaterThan(0);
  for (const i of issues) {
    expect(FIELDS).toContain(i.path[0]);
    expect(i.message).toMatch(/^[A-Z].{8,}/); // a sentence, not a code
  }
}

describe("sign-up", () => {
  it("refuses hostile fields by name, with a sentence; what it accepts, PostgreSQL stores", async () => {
    let accepted = 0;
    // Mostly one hostile field among plausible ones, so the other checks do not hide it.
    const form = fc.oneof(
      fc.record({ name: field, email: field, password: field }),
      fc.record({
        name: nastyString,
        email: plainEmail,
        password: fc.string({ minLength: 8 }),
      }),
      fc.record({
        name: fc.string({ unit: "grapheme", minLength: 1 }),
        email: field,
        password: fc.string({ minLength: 8 }),
      }),
      fc.record({
        name: fc.string({ unit: "grapheme", minLength: 1 }),
        email: plainEmail,
        password: field,
      }),
    );
    await fc.assert(
      fc.asyncProperty(form, async ({ name, email, password }) => {
        const parsed = signUpSchema.safeParse({ name, email, password });
        if (!parsed.success) return expectFieldMessages(parsed.error.issues);
        const v = parsed.data;
        accepted++;
        expect(v.email).toBe(v.email.trim().toLowerCase());
        expect(
          await storable((tx) =>
            tx
              .insert(users)
              .values({ name: v.name, email: v.email, passwordHash: "x", role: "shopper" })
              .onConflictDoNothing(),
          ),
        ).toBe(true);
      }),
      { numRuns: RUNS },
    );
    expect(accepted).toBeGreaterThan(RUNS / 10);
  });

  it("names with NUL, other controls, direction overrides or lone surrogates are refused", () => {
    for (const name of ["a\u0000b", "Ann\u0007", "\u202eknahS", "Bob\u2066", "x\ud800", "a\nb"]) {
      const r = signUpSchema.safeParse({
        name,
        email: "a@b.co",
        password: "long enough lantern harbour",
      });
      expect(r.success, JSON.stringify(name)).toBe(false);
      if (!r.success)
        expect(r.error.issues[0]).toMatchObject({
          path: ["name"],
          message: "Remove invisible control characters from the name",
        });
    }
  });

  it("names in any script, with emoji and their joiners, are kept", () => {
    for (const name of ["Zoë Ångström", "محمد", "שלום", "李小龙", "👩‍👩‍👧‍👦 family", "Ana\u200fMaría"]) {
      expect(
        signUpSchema.safeParse({ name, email: "a@b.co", password: "long enough lantern harbour" })
          .success,
      ).toBe(true);
    }
  });
});

describe("sign-in", () => {
  it("refuses hostile fields by name, with a sentence, and never throws", () => {
    fc.assert(
      fc.property(field, field, (email, password) => {
        const parsed = signInSchema.safeParse({ email, password });
        if (!parsed.success) return expectFieldMessages(parsed.error.issues);
        expect(parsed.data.email.length).toBeLessThanOrEqual(254);
        expect(parsed.data.password.length).toBeLessThanOrEqual(200);
      }),
      { numRuns: RUNS },
    );
  });
});
