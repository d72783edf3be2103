import fc from "fast-check";
import { expect } from "vitest";
import { hostileNumber, nastyString } from "./hostile";

/**
 * Form input for the merchant dashboard's validators under hostile input: fields that carry
 * hostile text and now and then a plausible value, and the shape every refusal must have.
 */

export const RUNS = 300;
export const MIN = 60_000;

/** What a form field can carry: hostile text, and now and then a plausible value. */
const text = (plausible: fc.Arbitrary<string>) =>
  fc.oneof({ weight: 2, arbitrary: nastyString }, { weight: 1, arbitrary: plausible });
export const wholeNumber = text(
  fc.oneof(
    fc.integer({ min: 1, max: 1_000 }).map(String),
    hostileNumber.map(String),
    fc.bigInt().map(String),
  ),
);
export const instant = text(
  fc.oneof(
    fc.integer({ min: 1, max: 600 }).map((m) => new Date(Date.now() + m * MIN).toISOString()),
    fc
      .date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true })
      .map((d) => d.toISOString()),
    fc.constantFrom("-271821-04-20T00:00:00Z", "+275760-09-13T00:00:00Z", "0000-01-01", "1e400"),
  ),
);

/**
 * A form that is plausible but for one or two hostile fields (so the other checks do not hide
 * them), or hostile throughout.
 */
export function mostlyPlausible(
  plausible: Record<string, fc.Arbitrary<string>>,
  hostile: fc.Arbitrary<string>,
): fc.Arbitrary<Record<string, string>> {
  const names = Object.keys(plausible);
  return fc.oneof(
    fc
      .tuple(
        fc.record(plausible),
        fc.subarray(names, { minLength: 0, maxLength: 2 }),
        fc.array(hostile, { minLength: 2, maxLength: 2 }),
      )
      .map(([form, picked, values]) => {
        const out: Record<string, string> = { ...form };
        picked.forEach((n, i) => (out[n] = values[i]!));
        return out;
      }),
    fc.record(Object.fromEntries(names.map((n) => [n, hostile]))),
  );
}

export function expectSentences(
  errors: Partial<Record<string, string>>,
  fields: readonly string[],
) {
  expect(Object.keys(errors).length).toBeGreaterThan(0);
  for (const [field, message] of Object.entries(errors)) {
    expect(fields).toContain(field);
    expect(message).toMatch(/^[A-Z].{6,}/);
  }
}
