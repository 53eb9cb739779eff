// Preloaded with `node --import`: records every module URL the process resolves and prints them on exit (stderr),
// after a line listing the public built-in modules it loaded (`node:crypto`…), which no resolve hook sees when they
// are taken with process.getBuiltinModule.
import { isBuiltin, registerHooks } from "node:module";

const seen = [];
registerHooks({
  resolve(specifier, context, nextResolve) {
    const result = nextResolve(specifier, context);
    seen.push(result.url);
    return result;
  },
});
process.on("exit", () => {
  const builtins = process.moduleLoadList
    .filter((m) => m.startsWith("NativeModule "))
    .map((m) => m.slice("NativeModule ".length))
    .filter((m) => !m.startsWith("internal/") && isBuiltin(m))
    .map((m) => `node:${m}`);
  process.stderr.write(`\nBUILTINS ${JSON.stringify(builtins)}\nIMPORTS ${JSON.stringify(seen)}\n`);
});
