#!/usr/bin/env node
// The rbx command: a thin shim so start-up loads only the CLI entry — the bundle `npm run build` writes to
// dist/bundle/ (a few chunks instead of ~200 modules), else the tsc output in dist/src/cli/.
// Commands that load modules use Node's compile cache (Node ≥ 22.1; NODE_DISABLE_COMPILE_CACHE=1 turns it
// off): compiled code is kept between runs in the OS temp dir. `--version` needs neither: it is answered here
// from package.json, as main() answers it. A cache directory that cannot be written only costs speed: Node
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
const fs = process.getBuiltinModule("node:fs");
const first = process.argv[2];
if (first === "--version" || first === "-V") {
  const pkg = JSON.parse(fs.readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  // Straight to the descriptor: making process.stdout costs more than the rest of this answer.
  try {
    fs.writeSync(1, `${pkg.version}\n`);
  } catch {
    process.stdout.write(`${pkg.version}\n`);
  }
} else {
  try {
    process.getBuiltinModule("node:module").enableCompileCache?.();
  } catch {
    // no cache: slower start, same behaviour
  }
  const { main } = await import(entry());
  process.exitCode = await main(process.argv.slice(2));
}

/**
 * The bundle when it is at least as new as the tsc output it was made from; the tsc output otherwise (no bundle,
 * or `tsc` ran again without the bundle step), so a partial rebuild never runs stale code.
 */
function entry() {
  const bundled = new URL("../dist/bundle/main.js", import.meta.url);
  const compiled = new URL("../dist/src/cli/main.js", import.meta.url);
  const b = fs.statSync(bundled, { throwIfNoEntry: false });
  if (b === undefined) return compiled.href;
  const c = fs.statSync(compiled, { throwIfNoEntry: false });
  return c === undefined || c.mtimeMs <= b.mtimeMs ? bundled.href : compiled.href;
}
