/**
 * Text people type (names, descriptions, searches), checked before it is stored or queried.
 * PostgreSQL refuses NUL in text outright (the insert throws), lone surrogates would silently
 * become U+FFFD, and other control and direction-override characters exist in names only to
 * disguise them ("\u202E" makes "gpj.exe" read "exe.jpg"). Letters of every script, emoji
 * (with their zero-width joiners) and left-to-right/right-to-left marks are all fine.
 */

/** C0 and C1 controls, except tab, line feed and carriage return. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const LINE_BREAK = /[\t\n\r\u2028\u2029]/;
/** Embeddings, overrides and isolates: what "Trojan Source" and file-name spoofing use. */
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** True when `s` is safe to store as a single line (`"line"`) or as multi-line text (`"text"`). */
export function isPlainText(s: string, kind: "line" | "text"): boolean {
  return (
    !CONTROL.test(s) &&
    !BIDI_CONTROL.test(s) &&
    !LONE_SURROGATE.test(s) &&
    (kind === "text" || !LINE_BREAK.test(s))
  );
}

/** The refusal to show, naming the field. */
export const plainTextMessage = (field: string) =>
  `Remove invisible control characters from the ${field}`;

const UNSAFE_ANY = new RegExp(
  [CONTROL, BIDI_CONTROL, LONE_SURROGATE, LINE_BREAK].map((r) => r.source).join("|"),
  "g",
);

/** A search box's query made safe to send to PostgreSQL: the characters above become spaces. */
export const cleanQuery = (s: string): string => s.replace(UNSAFE_ANY, " ");
