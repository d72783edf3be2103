import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";
import * as en from "@zxcvbn-ts/language-en";

/**
 * How guessable a new password is, by zxcvbn (dictionaries of common passwords, names and
 * words, keyboard patterns, dates, repeats, l33t): a password must reach MIN_SCORE (of 0–4;
 * 3 is "safely unguessable: moderate protection from offline slow-hash scenario", at least
 * 10^8 guesses). The shopper's own name and email count as known words. Built on first use:
 * the dictionaries are a few MB and only sign-up and password change need them.
 */

export const MIN_SCORE = 3;
/**
 * Bounds on zxcvbn's work, which runs before the per-IP sign-up limit (a shopper fixing a weak
 * password should not use up their sign-ups): its matchers grow much faster than linearly with
 * the length and with the count of l33t-like characters. With these, the costliest input found
 * ("aB3$" repeated) took about 250 ms at a load average of 14 on the 2-core machine, against
 * 2.5 s for 100 unbounded characters. A 64-character password is strong on length alone.
 */
const SCORED_CHARS = 64;
const L33T_SUBSTITUTIONS = 8;

let factory: ZxcvbnFactory | undefined;
const zxcvbn = () =>
  (factory ??= new ZxcvbnFactory({
    translations: en.translations,
    graphs: common.adjacencyGraphs,
    dictionary: { ...common.dictionary, ...en.dictionary },
    maxLength: SCORED_CHARS,
    l33tMaxSubstitutions: L33T_SUBSTITUTIONS,
  }));

/** null when strong enough; otherwise a sentence saying why not and what would help. */
export function weakPasswordMessage(password: string, known: string[] = []): string | null {
  const words = known
    .flatMap((k) => k.toLowerCase().split(/[^\p{L}\p{N}]+/u))
    .filter((w) => w.length >= 3)
    .slice(0, 16);
  const result = zxcvbn().check(password.slice(0, SCORED_CHARS), ["stampede", ...words]);
  if (result.score >= MIN_SCORE) return null;
  const why = result.feedback.warning ? ` ${result.feedback.warning}.` : "";
  const help = result.feedback.suggestions[0] ?? "Add another word or two that are less common.";
  return `This password is too easy to guess.${why.replace(/\.\.$/, ".")} ${help}`;
}
