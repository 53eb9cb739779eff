// How to start a sample product's service module as a Node process, from dist/ or from its sources.
import { join } from "node:path";
import { modulesPath, nodeModuleArgs } from "../../src/package-root.js";

/** The per-file modules of the products (dist/lab/products/, lab/products/ under vitest), also when bundled. */
const here = modulesPath("lab", "products");

/** Node arguments that run a sample service module (e.g. "kryton/server") with `args`. */
export function serviceNodeArgs(module: string, args: readonly string[] = []): string[] {
  if (!/^[a-z-]+\/[a-z-]+$/.test(module)) throw new Error(`not a sample service module: ${module}`);
  return nodeModuleArgs(join(here, module), args);
}
