// Removes optional dependencies that the lockfile names but does not contain.
// This machine's npm registry lacks some other-platform binaries (@next/swc-darwin-*, …), so
// `npm install` writes a lockfile that `npm ci` then refuses ("Missing: … from lock file").
// Run after every `npm install`: `npm run lock:prune`.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain CommonJS script, run before dependencies exist
const fs = require("fs");
const p = process.argv[2] ?? "package-lock.json";
const lock = JSON.parse(fs.readFileSync(p, "utf8"));
const pk = lock.packages;
let removed = 0;
for (const [loc, entry] of Object.entries(pk)) {
  if (!entry.optionalDependencies) continue;
  for (const name of Object.keys(entry.optionalDependencies)) {
    // resolution: nested first, then walk up
    let base = loc,
      found = false;
    while (true) {
      const cand = (base ? base + "/" : "") + "node_modules/" + name;
      if (pk[cand]) {
        found = true;
        break;
      }
      if (!base) break;
      const i = base.lastIndexOf("/node_modules/");
      base = i >= 0 ? base.slice(0, i) : "";
    }
    if (!found) {
      delete entry.optionalDependencies[name];
      removed++;
    }
  }
}
fs.writeFileSync(p, JSON.stringify(lock, null, 2) + "\n");
console.log(`lockfile: pruned ${removed} optional dependencies that are not in it`);
