// Loads chevrotain on first use (synchronously, via require of its ES module) so start-up never pays for it.
import { createRequire } from "node:module";
import type * as Chevrotain from "chevrotain";

/** The chevrotain module's type, for files that build on it. */
export type ChevrotainModule = typeof Chevrotain;

let loaded: ChevrotainModule | undefined;

/** The chevrotain module, loaded once on the first parse. */
export function chevrotain(): ChevrotainModule {
  if (!loaded) loaded = createRequire(import.meta.url)("chevrotain") as ChevrotainModule;
  return loaded;
}
