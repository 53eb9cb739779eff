// Where rbx's own files are, from every layout its code runs in: src/*.ts under vitest, dist/<dir>/*.js from tsc,
// and the chunks of dist/bundle/ — a path relative to one module's URL is right in only some of them.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The rbx package: its root directory and its package.json version. */
export interface RbxPackage {
  root: string;
  version: string;
}

let found: RbxPackage | undefined;

/**
 * The nearest directory above this module holding a package.json named "rbx", found once per process
 * (a few stat calls and one small read); throws only when rbx's own files were taken out of their package.
 */
export function rbxPackage(): RbxPackage {
  if (found) return found;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: unknown; version?: unknown };
      if (pkg.name === "rbx" && typeof pkg.version === "string") {
        found = { root: dir, version: pkg.version };
        return found;
      }
    }
    if (dirname(dir) === dir) throw new Error(`rbx: no package.json named "rbx" above ${start}`);
  }
}

/** An absolute path inside the package, e.g. `packagePath("schema", "runbook.schema.json")`. */
export function packagePath(...segments: string[]): string {
  return join(rbxPackage().root, ...segments);
}

/** True when rbx runs from its TypeScript sources (vitest), false from compiled JavaScript (tsc or bundle). */
export const fromSource = import.meta.url.endsWith(".ts");

/**
 * The directory of the per-file modules, one per source file: `<root>/src` from sources, `<root>/dist` when
 * compiled. Code that starts a module as its own process (the lab) finds it here even when running bundled.
 */
export function modulesPath(...segments: string[]): string {
  return packagePath(fromSource ? "src" : "dist", ...segments);
}
