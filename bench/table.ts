import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import prettier from "prettier";
import { isHerdReport, latestHerdRuns, renderHerdTables, type HerdRow } from "./table/herd";
import { isLanesReport, pressKind, renderLanesTable, type LanesReport } from "./table/lanes";
import { fillMarkers, withMarkers } from "./table/markers";

/**
 * Turns benchmark reports into the tables the bench READMEs show, so no figure is typed by hand.
 *   npm run bench:table                      # the latest reports in bench/reports
 *   npm run bench:table -- a.json b.json …   # exactly these (or every report in a folder)
 *   npm run bench:table -- --print …         # print the tables, write nothing
 * It writes the tables to a dated file in bench/results/ (between its markers: notes around them
 * are kept) and into bench/README.md (what the shoppers saw; the rest is one link away) or
 * bench/lanes/README.md.
 */

const REPORTS = "bench/reports";
const RESULTS = "bench/results";

type Loaded = { file: string; json: unknown };

function load(args: string[]): { loaded: Loaded[]; explicit: boolean } {
  const files = (args.length > 0 ? args : [REPORTS]).flatMap((a) =>
    statSync(a).isDirectory()
      ? readdirSync(a)
          .filter((f) => f.endsWith(".json"))
          .map((f) => path.join(a, f))
      : [a],
  );
  const explicit = args.length > 0 && !args.some((a) => statSync(a).isDirectory());
  return {
    loaded: files.map((file) => ({ file, json: JSON.parse(readFileSync(file, "utf8")) })),
    explicit,
  };
}

/** A lanes report's date and time: its file is named `<ISO time with - for : and .>-lanes.json`. */
const lanesTime = (file: string) => path.basename(file).slice(0, 24);

/** The latest lanes report per kind of press. */
function latestLanes(rows: { file: string; r: LanesReport }[]) {
  const latest = new Map<string, { file: string; r: LanesReport }>();
  for (const x of rows) {
    const seen = latest.get(pressKind(x.r));
    if (!seen || lanesTime(seen.file) < lanesTime(x.file)) latest.set(pressKind(x.r), x);
  }
  return [...latest.values()];
}

function herdSources(rows: HerdRow[]): string {
  const sources = rows
    .map(({ file, r }) => {
      const load = r.machine.loadAvgBefore[0];
      return `\`${path.basename(file)}\` (commit ${r.commit ?? "unknown"}, load ${load} before)`;
    })
    .sort();
  return `From ${sources.join(", ")}.`;
}

function lanesSection(rows: { file: string; r: LanesReport }[]): string {
  return rows
    .map(({ file, r }) => `From \`${path.basename(file)}\`: ${renderLanesTable(r)}`)
    .join("\n\n");
}

/** Writes Markdown as the repository's Prettier settings format it, so format:check stays green. */
async function writeMarkdown(file: string, text: string): Promise<void> {
  const options = await prettier.resolveConfig(file);
  writeFileSync(file, await prettier.format(text, { ...options, filepath: file }));
}

/** Fills `name`'s markers in the dated results file (`full`) and in the README (`brief`). */
async function publish(name: string, date: string, readme: string, full: string, brief: string) {
  const file = path.join(RESULTS, `${date}-${name}.md`);
  const current = existsSync(file)
    ? readFileSync(file, "utf8")
    : withMarkers(`${name === "herd" ? "Herd" : "Lanes"} runs of ${date}`, name);
  await writeMarkdown(file, fillMarkers(current, name, full));
  const link = path.relative(path.dirname(readme), file);
  const intro = `Written by \`npm run bench:table\`; every table in [\`${path.basename(file)}\`](${link}).`;
  await writeMarkdown(
    readme,
    fillMarkers(readFileSync(readme, "utf8"), name, `${intro}\n\n${brief}`),
  );
  console.log(`wrote ${file} and ${readme}`);
}

const latestDate = (times: string[]) => times.sort().at(-1)!.slice(0, 10);

async function main(argv: string[]): Promise<void> {
  const print = argv.includes("--print");
  const { loaded, explicit } = load(argv.filter((a) => a !== "--print"));
  const herdAll = loaded.flatMap(({ file, json }) =>
    isHerdReport(json) ? [{ file, r: json }] : [],
  );
  const lanesAll = loaded.flatMap(({ file, json }) =>
    isLanesReport(json) ? [{ file, r: json }] : [],
  );
  const herd = explicit ? herdAll : latestHerdRuns(herdAll);
  const lanes = explicit ? lanesAll : latestLanes(lanesAll);
  if (herd.length === 0 && lanes.length === 0) throw new Error("no herd or lanes reports found");
  if (herd.length > 0) {
    const tables = renderHerdTables(herd);
    const full = [herdSources(herd), ...tables].join("\n\n");
    const date = latestDate(herd.map(({ r }) => r.createdAt));
    if (print) console.log(full);
    else
      await publish("herd", date, "bench/README.md", full, `${herdSources(herd)}\n\n${tables[0]}`);
  }
  if (lanes.length > 0) {
    const section = lanesSection(lanes);
    const date = latestDate(lanes.map(({ file }) => lanesTime(file)));
    if (print) console.log(section);
    else await publish("lanes", date, "bench/lanes/README.md", section, section);
  }
}

if (require.main === module)
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
