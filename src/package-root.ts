// Where rbx's own files are, from every layout its code runs in: src/*.ts under vitest, dist/<dir>/*.js from tsc,
// and the chunks of dist/bundle/ — a path relative to one module's URL is right in only some of them.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The npm package rbx is published as (its command is `rbx`): how rbx recognises its own package.json. */
export const PACKAGE_NAME = "rbx-runbooks";

/** The rbx package: its root directory and its package.json version. */
export interface RbxPackage {
  root: string;
  version: string;
}

let found: RbxPackage | undefined;

/**
 * The nearest directory above this module holding a package.json named PACKAGE_NAME, found once per process
 * (a few stat calls and one small read); throws only when rbx's own files were taken out of their package.
 */
export function rbxPackage(): RbxPackage {
  if (found) return found;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: unknown; version?: unknown };
      if (pkg.name === PACKAGE_NAME && typeof pkg.version === "string") {
        found = { root: dir, version: pkg.version };
        return found;
      }
    }
    if (dirname(dir) === dir) throw new Error(`rbx: no package.json named "${PACKAGE_NAME}" above ${start}`);
  }
}

/** An absolute path inside the package, e.g. `packagePath("schema", "runbook.schema.json")`. */
export function packagePath(...segments: string[]): string {
  return join(rbxPackage().root, ...segments);
}

/** True when rbx runs from its TypeScript sources (vitest), false from compiled JavaScript (tsc or bundle). */
export const fromSource = import.meta.url.endsWith(".ts");

/**
 * A per-file module by its source path (`modulesPath("lab", "supervisor")`): under `<root>` from sources, under
 * `<root>/dist` when compiled. Code that starts a module as its own process (the lab) finds it here even bundled.
 */
export function modulesPath(...segments: string[]): string {
  return fromSource ? packagePath(...segments) : packagePath("dist", ...segments);
}

/**
 * Node arguments that run the per-file module at `pathWithoutExtension` (from `modulesPath`) as its own process,
 * with `args`; prefix with process.execPath. From sources (tests), Node type-strips it with src/ts-hooks.ts.
 */
export function nodeModuleArgs(pathWithoutExtension: string, args: readonly string[] = []): string[] {
  const file = `${pathWithoutExtension}${fromSource ? ".ts" : ".js"}`;
  if (!fromSource) return [file, ...args];
  // transform-types also covers the stand-in's parameter properties, which strip-only refuses.
  const hooks = pathToFileURL(packagePath("src", "ts-hooks.ts")).href;
  return [
    "--experimental-transform-types",
    "--disable-warning=ExperimentalWarning",
    "--import",
    hooks,
    file,
    ...args,
  ];
}
