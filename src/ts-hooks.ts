// Lets Node run rbx's own modules (the lab's processes) straight from their .ts sources under vitest (type stripping): `./x.js` imports resolve to `./x.ts` when only that exists.
import { existsSync } from "node:fs";
import { registerHooks } from "node:module";
import { fileURLToPath } from "node:url";

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier.startsWith(".") && specifier.endsWith(".js") && context.parentURL?.endsWith(".ts")) {
      const target = new URL(specifier, context.parentURL);
      if (!existsSync(fileURLToPath(target))) return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
    }
    return nextResolve(specifier, context);
  },
});
