#!/usr/bin/env node
// Build step after tsc: bundles the compiled CLI (dist/src/cli/main.js) into dist/bundle/ so a cold start loads about
// ten chunks instead of ~200 modules. Each lazily imported command and module stays a chunk of its own.
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { isBuiltin } from "node:module";
import { isAbsolute } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "rolldown";

const root = fileURLToPath(new URL("..", import.meta.url));
const outDir = `${root}dist/bundle`;

/**
 * Packages copied into the bundle, each with the packages it imports; every other one stays external and loads
 * from node_modules when imported: the heavy ones (@kubernetes/client-node, pg, drizzle-orm, playwright-core) only
 * where a command needs them, ajv's compiler only for custom catalogs and lint configs. Measured on a cold
 * `rbx validate` of the 50-step bench runbook: inlining yaml saves ~10 ms (one chunk instead of 72 files). execa
 * (loaded lazily, before a step's first tool: helm, pg_dump) takes ~20 ms of CPU from a few chunks against
 * ~75 ms from its ~100 files in node_modules, time every such step waited before its tool started. chevrotain stays external: src/parser/expr/chevrotain.ts
 * requires its single-file build on first use, and a bundled or minified copy loaded no faster (its ~8 ms is
 * evaluation, not parsing). The precompiled validator's one ajv runtime helper costs ~0.3 ms as a file.
 */
// An inlined package must not use its own `#name` subpath imports (package.json "imports"): outside its
// package they resolve against rbx's package.json and fail (chalk did, on every terminal; rbx now colours
// with src/diagnostics/color.ts). The check after the build refuses such a chunk.
const inline = new Set(["yaml", "execa"]);

/** The package a bare import specifier names (`@scope/name/sub` → `@scope/name`); undefined for paths. */
const packageOf = (id) => /^(@[^/]+\/[^/]+|[^./][^/]*)/.exec(id)?.[1];

/** The package a file inside node_modules belongs to, as a chunk name (`@scope+name`); undefined elsewhere. */
const packageDir = (id) => /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(id)?.[1].replace(/[\\/]/, "+");

/**
 * Node's built-in modules taken with `process.getBuiltinModule` instead of an ES import. Importing a built-in
 * as ES module builds a facade of all its exports, and node:fs's reads its lazy getters: that loads streams,
 * fs/promises and readline, ~3 ms of every cold start on the bench machine (~8 ms when it is busy); the CommonJS
 * packages inlined here (yaml) reach `process` and `buffer` through a `require` that starts Node's CommonJS
 * loader. Both become one call that returns the module as it is. Only static named imports are rewritten
 * (`import { a, b as c } from "node:x"`, the only form the compiled code uses); dynamic imports stay lazy.
 */
const builtinImports = {
  name: "builtins-without-facades",
  transform(code, id) {
    if (!id.endsWith(".js") && !id.endsWith(".cjs")) return null;
    let changed = false;
    const out = code
      .replace(/^import\s*\{([^}]*)\}\s*from\s*"(node:[a-z_/]+)";$/gm, (all, names, spec) => {
        if (!isBuiltin(spec)) return all;
        changed = true;
        const fields = names
          .split(",")
          .map((n) => n.trim())
          .filter((n) => n.length > 0)
          .map((n) => n.split(/\s+as\s+/));
        const lazy = fields.filter(([name]) => isLazyFunction(spec, name));
        const eager = fields.filter((f) => !lazy.includes(f)).map((f) => f.join(": "));
        const get = `process.getBuiltinModule(${JSON.stringify(spec)})`;
        return [
          ...(eager.length > 0 ? [`const { ${eager.join(", ")} } = ${get};`] : []),
          ...lazy.map(([name, local = name]) => `const ${local} = (...args) => ${get}.${name}(...args);`),
        ].join(" ");
      })
      .replace(/\brequire\((["'])((?:node:)?[a-z_]+)\1\)/g, (all, _q, spec) => {
        if (!id.includes("node_modules") || !isBuiltin(spec)) return all;
        changed = true;
        return `process.getBuiltinModule(${JSON.stringify(spec)})`;
      });
    return changed ? { code: out, map: null } : null;
  },
};

/**
 * Built-in modules that cost a cold start milliseconds to load, whatever of them is used: node:fs/promises loads
 * readline, file watchers and directory streams (~3 ms), node:crypto its whole key, cipher and hash machinery
 * (~4 ms). A chunk that imports one (the built-in actions' code, which `rbx validate` loads for their
 * definitions; the loader's library check) would pay that on every run. Their functions are imported as
 * wrappers that take the module at the first call instead: `const readFile = (...args) =>
 * process.getBuiltinModule("node:fs/promises").readFile(...args)`, so a command that never calls one never loads
 * it. Only plain functions (a lowercase name whose value is a function; never a class, which `new` needs as it is).
 */
const lazyBuiltins = new Set(["node:fs/promises", "node:crypto"]);

function isLazyFunction(spec, name) {
  if (!lazyBuiltins.has(spec) || !/^[a-z]/.test(name)) return false;
  return typeof process.getBuiltinModule(spec)[name] === "function";
}

rmSync(outDir, { recursive: true, force: true });
const started = process.hrtime.bigint();
await build({
  // The lint worker is an entry of its own: `rbx lint` of many files starts it beside the chunk that needs it.
  input: { main: `${root}dist/src/cli/main.js`, "lint-worker": `${root}dist/src/cli/lint-worker.js` },
  platform: "node",
  logLevel: "warn",
  plugins: [builtinImports],
  external: (id, importer) => {
    if (id.startsWith("node:") || isBuiltin(id)) return true;
    if (isAbsolute(id)) return false;
    // What an inlined package imports comes with it (only inlined packages' files are bundled from node_modules).
    if (importer !== undefined && /[\\/]node_modules[\\/]/.test(importer)) return false;
    const pkg = packageOf(id);
    return pkg !== undefined && !inline.has(pkg);
  },
  output: {
    dir: outDir,
    format: "esm",
    entryFileNames: "[name].js",
    chunkFileNames: "[name]-[hash].js",
    // Each inlined package in a chunk named after it (yaml-<hash>.js), so a test can see which ones loaded.
    codeSplitting: { groups: [{ debugName: "packages", name: (id) => packageDir(id) ?? null }] },
    // Not minified: it saved ~2 ms, within the noise, and unminified chunks keep readable stack traces
    // (each module's code sits under a `// dist/<path>.js` comment naming its compiled file).
    minify: false,
    sourcemap: false,
  },
});
if (!existsSync(`${outDir}/main.js`)) throw new Error("bundle-cli: rolldown wrote no dist/bundle/main.js");
for (const chunk of readdirSync(outDir)) {
  const hash = /\bfrom\s*["'](#[^"']+)["']|\bimport\(\s*["'](#[^"']+)["']/.exec(
    readFileSync(`${outDir}/${chunk}`, "utf8"),
  );
  if (hash)
    throw new Error(
      `bundle-cli: ${chunk} imports "${hash[1] ?? hash[2]}", a subpath import of an inlined package`,
    );
}
const ms = Number(process.hrtime.bigint() - started) / 1e6;
process.stdout.write(`bundled the CLI into dist/bundle/ in ${ms.toFixed(0)} ms\n`);
