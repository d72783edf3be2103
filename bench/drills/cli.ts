import { parseArgs } from "node:util";
import { ALL, DRILLS } from "./faults";
import { formatReport, runDrill, type DrillReport } from "./run";

/**
 * npm run drill -- <name|all> [--quick] [--server lane|next] [--shoppers N] [--stock S] [--bound-ms 5000]
 *
 * Each drill starts its own database, Redis, instances, workers and nginx (ports 3840–3899,
 * 6840–6899; shard-failover a Redis Cluster on 7111–7116), runs a bounded herd, injects its
 * fault, checks the invariant and prints a report;
 * the exit code is non-zero when any invariant failed. `--server next` runs server.ts instances,
 * which need a build in NEXT_DIST_DIR (default .next-cluster: `npm run cluster` makes one).
 */

const USAGE = `usage: npm run drill -- <${[...Object.keys(DRILLS), "all"].join("|")}> [--quick] [--server lane|next] [--shoppers N] [--stock S] [--bound-ms MS]`;

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      quick: { type: "boolean", default: false },
      server: { type: "string", default: "lane" },
      shoppers: { type: "string" },
      stock: { type: "string" },
      "bound-ms": { type: "string", default: "5000" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  const name = positionals[0];
  if (values.help || !name || (name !== "all" && !DRILLS[name])) {
    console.log(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  if (values.server !== "lane" && values.server !== "next")
    throw new Error("--server is lane or next");
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const reports: DrillReport[] = [];
  for (const n of name === "all" ? ALL : [name]) {
    console.error(`\n• drill ${n}`);
    const report = await runDrill(DRILLS[n]!, {
      quick: values.quick,
      server: values.server,
      shoppers: num(values.shoppers),
      stock: num(values.stock),
      boundMs: Number(values["bound-ms"]),
      log: (m) => console.error(`  ${m}`),
    });
    reports.push(report);
    console.log(`\n${formatReport(report)}`);
  }
  if (values.json) console.log(JSON.stringify(reports, null, 2));
  const failed = reports.filter((r) => !r.ok).map((r) => r.name);
  if (reports.length > 1)
    console.log(`\n${failed.length === 0 ? "all drills OK" : `FAILED: ${failed.join(", ")}`}`);
  process.exit(failed.length === 0 ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(`drill: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
