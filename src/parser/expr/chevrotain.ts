// Loads chevrotain on first use (synchronously, via require of its ES module) so start-up never pays for it.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type * as Chevrotain from "chevrotain";

/** The chevrotain module's type, for files that build on it. */
export type ChevrotainModule = typeof Chevrotain;

let loaded: ChevrotainModule | undefined;

/**
 * Where the single-file ES build chevrotain ships (lib/chevrotain.mjs, listed in its package `files`) lives.
 * Its package entry imports ~700 modules (lodash-es one function per file), ~200 ms of a cold start; the
 * bundle is the same release built by chevrotain's own esbuild step and loads in ~10 ms. Falls back to the
 * package entry when the bundle is missing.
 */
function chevrotainPath(require: NodeJS.Require): string {
  try {
    const entry = require.resolve("chevrotain");
    const bundle = join(dirname(entry), "..", "chevrotain.mjs");
    if (existsSync(bundle)) return bundle;
  } catch {
    // fall through to the package entry
  }
  return "chevrotain";
}

/** The chevrotain module, loaded once on the first parse. */
export function chevrotain(): ChevrotainModule {
  if (!loaded) {
    const require = createRequire(import.meta.url);
    loaded = require(chevrotainPath(require)) as ChevrotainModule;
  }
  return loaded;
}
