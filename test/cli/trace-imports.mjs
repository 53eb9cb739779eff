// Preloaded with `node --import`: records every module URL the process resolves and prints them on exit (stderr).
import { registerHooks } from "node:module";

const seen = [];
registerHooks({
  resolve(specifier, context, nextResolve) {
    const result = nextResolve(specifier, context);
    seen.push(result.url);
    return result;
  },
});
process.on("exit", () => {
  process.stderr.write(`\nIMPORTS ${JSON.stringify(seen)}\n`);
});
