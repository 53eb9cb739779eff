#!/usr/bin/env node
// The rbx command: a thin shim so start-up loads only the compiled CLI entry.
// Commands that load modules use Node's compile cache (Node ≥ 22.1; NODE_DISABLE_COMPILE_CACHE=1 turns it
// off): compiled code is kept between runs in the OS temp dir. `--version` skips it (setting it up costs more
// than the three small modules it loads). A cache directory that cannot be written only costs speed: Node
// reports it in the return value, which rbx ignores.
const [major] = process.versions.node.split(".").map(Number);
if (major < 22) {
  process.stderr.write(
    `rbx needs Node.js 22 or 24; this is ${process.version}.\n` +
      "Inside the rbx repository, run it through npm (`npx rbx ...` or an npm script): `npm ci` installs Node 24.\n" +
      "Elsewhere, install Node 22 or 24 (for example `npm install -g node@24`) and run rbx again.\n",
  );
  process.exit(2);
}
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
