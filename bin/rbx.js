#!/usr/bin/env node
// The rbx command: a thin shim so start-up loads only the compiled CLI entry.
// Commands that load modules use Node's compile cache (Node ≥ 22.1; NODE_DISABLE_COMPILE_CACHE=1 turns it
// off): compiled code is kept between runs in the OS temp dir. `--version` skips it (setting it up costs more
// than the three small modules it loads). A cache directory that cannot be written only costs speed: Node
// reports it in the return value, which rbx ignores.
const first = process.argv[2];
if (first !== "--version" && first !== "-V") {
  try {
    process.getBuiltinModule("node:module").enableCompileCache?.();
  } catch {
    // no cache: slower start, same behaviour
  }
}
const { main } = await import("../dist/cli/main.js");

process.exitCode = await main(process.argv.slice(2));
