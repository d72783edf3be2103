// Next.js loads its cacheHandler with a plain import(), at build time too, where no TypeScript
// loader runs: this shim loads the TypeScript handler through tsx (next.config.ts points here).
// Turbopack also bundles this file (for proxy.ts), so the imports are opaque to it and the path
// is absolute: a bundled copy must still load the handler from the source tree.
import path from "node:path";

const { tsImport } = await import(
  /* turbopackIgnore: true */ /* webpackIgnore: true */ "tsx/esm/api"
);
const file = path.join(process.cwd(), "lib", "cache", "redis-cache-handler.ts");
const mod = await tsImport(/* turbopackIgnore: true */ file, import.meta.url);
// The .ts file is CommonJS to Node (no "type": "module"): its default export sits one level down.
const RedisCacheHandler = mod.default?.default ?? mod.default;

export default RedisCacheHandler;
