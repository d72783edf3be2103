/**
 * CSV for spreadsheets: RFC 4180 quoting, CRLF rows, and cells that a spreadsheet would run as a
 * formula (starting with = + - @, or a tab / carriage return) prefixed with a single quote. A cell
 * with `;` is quoted too: spreadsheets in locales whose list separator is `;` (most of Europe)
 * split on it, which would shift an attacker's text into the next columns.
 */

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | null | undefined): string {
  let s = value === null || value === undefined ? "" : String(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",;\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvRow = (cells: (string | number | null | undefined)[]) =>
  `${cells.map(csvCell).join(",")}\r\n`;
