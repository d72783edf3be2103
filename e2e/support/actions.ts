import { readFileSync } from "node:fs";
import path from "node:path";

type ManifestEntry = { workers: Record<string, unknown>; filename?: string; exportedName?: string };

/** A server action's id in this build, and a page that loads it. */
export function actionId(file: string, name: string): { id: string; page: string } {
  const distDir = process.env.NEXT_DIST_DIR ?? ".next";
  const manifest = JSON.parse(
    readFileSync(path.join(distDir, "server", "server-reference-manifest.json"), "utf8"),
  ) as { node: Record<string, ManifestEntry> };
  const found = Object.entries(manifest.node).find(
    ([, e]) => e.filename === file && e.exportedName === name,
  );
  if (!found) throw new Error(`${file}#${name} is not in the build's server reference manifest`);
  return { id: found[0], page: Object.keys(found[1].workers)[0]! };
}
