/**
 * Generated text inside a hand-written Markdown file, between
 * `<!-- bench:table NAME -->` and `<!-- /bench:table NAME -->`: what is between them is replaced,
 * everything else is kept as it is.
 */
export function fillMarkers(text: string, name: string, content: string): string {
  const open = `<!-- bench:table ${name} -->`;
  const close = `<!-- /bench:table ${name} -->`;
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  if (start < 0 || end < start) throw new Error(`no ${open} … ${close} markers`);
  return `${text.slice(0, start + open.length)}\n\n${content.trim()}\n\n${text.slice(end)}`;
}

/** A new file with empty markers under a heading, for fillMarkers to fill. */
export const withMarkers = (heading: string, name: string): string =>
  `# ${heading}\n\n<!-- bench:table ${name} -->\n<!-- /bench:table ${name} -->\n`;
