// How to start a lab module as a Node process, from dist/ (compiled) or src/ (type-stripped with ts-hooks).
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { fromSource, modulesPath } from "../../package-root.js";

/** The per-file modules of the products (dist/lab/products/, src/lab/products/ under vitest), also when bundled. */
const here = modulesPath("lab", "products");

/** Node arguments that run the module at `pathWithoutExtension` with `args`; prefix with process.execPath. */
export function nodeModuleArgs(pathWithoutExtension: string, args: readonly string[] = []): string[] {
  const file = `${pathWithoutExtension}${fromSource ? ".ts" : ".js"}`;
  if (!fromSource) return [file, ...args];
  // From src/ (tests): transform-types also covers the stand-in's parameter properties, which strip-only refuses.
  const hooks = pathToFileURL(join(here, "ts-hooks.ts")).href;
  return [
    "--experimental-transform-types",
    "--disable-warning=ExperimentalWarning",
    "--import",
    hooks,
    file,
    ...args,
  ];
}

/** Node arguments that run a sample service module (e.g. "kryton/server") with `args`. */
export function serviceNodeArgs(module: string, args: readonly string[] = []): string[] {
  if (!/^[a-z-]+\/[a-z-]+$/.test(module)) throw new Error(`not a sample service module: ${module}`);
  return nodeModuleArgs(join(here, module), args);
}
