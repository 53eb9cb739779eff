#!/usr/bin/env node
// Fails when any folder imports one that imports it back: at every level of src/ and lab/, the imports between
// the entries of one folder (its files and subfolders) must form no circle. Run by `npm run lint:code`.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const roots = ["src", "lab"].map((d) => join(root, d)).filter((d) => existsSync(d));

/** Every .ts file under a directory. */
function sources(dir, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) sources(p, out);
    else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

// Static imports and re-exports (type-only ones too: they tie the folders just the same) and import("…").
const SPEC =
  /(?:^|\s)(?:import|export)\s[^"';]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|^import\s*["']([^"']+)["']/gm;

/** The files a source file imports, resolved inside the repository; packages and node: modules are skipped. */
function importsOf(file) {
  const text = readFileSync(file, "utf8");
  const out = [];
  for (const m of text.matchAll(SPEC)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (!spec?.startsWith(".")) continue;
    const base = resolve(dirname(file), spec);
    const found = [base.replace(/\.js$/, ".ts"), base, `${base}.ts`, join(base, "index.ts")].find(
      (c) => existsSync(c) && statSync(c).isFile(),
    );
    if (found) out.push(found);
  }
  return out;
}

const files = roots.flatMap((r) => sources(r));
const edges = new Map(files.map((f) => [f, importsOf(f)]));

/** The entry of `dir` that holds `file` (a file directly in it, or its subfolder); undefined when outside. */
function entryOf(dir, file) {
  const rel = relative(dir, file);
  if (rel.startsWith("..")) return undefined;
  return join(dir, rel.split(sep)[0]);
}

/** Strongly connected components with more than one member (Tarjan). */
function circles(nodes, next) {
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const on = new Set();
  const out = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of next.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const scc = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc);
    }
  };
  for (const v of nodes) if (!idx.has(v)) visit(v);
  return out;
}

// The repository root is a level too: src/ and lab/ must not import each other both ways.
const dirs = new Set([root]);
for (const f of files) for (let d = dirname(f); d.startsWith(root) && d !== root; d = dirname(d)) dirs.add(d);

const problems = [];
for (const dir of dirs) {
  const next = new Map();
  const why = new Map();
  for (const [from, targets] of edges) {
    const a = entryOf(dir, from);
    if (a === undefined) continue;
    for (const to of targets) {
      const b = entryOf(dir, to);
      if (b === undefined || a === b) continue;
      if (!next.has(a)) next.set(a, new Set());
      next.get(a).add(b);
      if (!why.has(`${a}>${b}`)) why.set(`${a}>${b}`, `${relative(root, from)} -> ${relative(root, to)}`);
    }
  }
  for (const scc of circles([...next.keys()], next)) {
    const names = scc.map((p) => relative(root, p) || ".").sort();
    const ties = [];
    for (const a of scc)
      for (const b of scc) if (why.has(`${a}>${b}`)) ties.push(`    ${why.get(`${a}>${b}`)}`);
    problems.push(`import circle in ${relative(root, dir) || "."}/: ${names.join(", ")}\n${ties.join("\n")}`);
  }
}

if (problems.length > 0) {
  process.stderr.write(
    `${problems.join("\n")}\n\n${problems.length} import circle(s); see docs/architecture.md for what each wing may import.\n`,
  );
  process.exit(1);
}
process.stdout.write(`no import circles among ${files.length} files\n`);
