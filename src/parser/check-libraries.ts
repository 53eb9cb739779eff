// `imports:`: check suites (and the params they need) taken from CheckLibrary files at a pinned version, merged into
// the document as if written in place; their nodes keep the library's spans, so problems point into the library.

import { createHash } from "node:crypto";
import { dirname, join, resolve } from "node:path";
import { type Diagnostic, diagnostic } from "../diagnostics/diagnostic.js";
import { didYouMean } from "../diagnostics/did-you-mean.js";
import type { SourceFile } from "../diagnostics/source-file.js";
import { systemReason } from "../diagnostics/system-error.js";
import type { Assertion, CheckSuite, Import, LoadedLibrary, Param, Runbook, Step, ValueNode } from "./ast.js";
import type { ReadText } from "./child-runbooks.js";

/** Loads one library's text into an AST (the loader's own pipeline, without imports). */
export type LoadDocument = (
  file: string,
  text: string,
) => { runbook?: Runbook; diagnostics: Diagnostic[]; source: SourceFile };

interface Ctx {
  read: ReadText;
  load: LoadDocument;
  out: Diagnostic[];
  /** Libraries loaded so far, by absolute path (each read once). */
  loaded: Map<string, { doc?: Runbook; lib?: LoadedLibrary }>;
}

const article = (word: string) => `${/^[aeiou]/.test(word) ? "an" : "a"} ${word}`;

/** Every `params.NAME` an expression or template of these steps reads. */
function paramReads(steps: readonly Step[]): Set<string> {
  const names = new Set<string>();
  const scan = (text: string | undefined) => {
    for (const m of (text ?? "").matchAll(/\bparams\.([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(m[1] as string);
  };
  const value = (v: ValueNode | undefined): void => {
    if (!v) return;
    if (v.kind === "string") scan(v.source.text);
    else if (v.kind === "list") v.items.forEach(value);
    else if (v.kind === "map") for (const e of v.entries) value(e.value);
  };
  const assertions = (list: readonly Assertion[]) => {
    for (const a of list) {
      scan(a.that.text);
      scan(a.message?.source.text);
    }
  };
  const step = (s: Step): void => {
    value(s.with);
    scan(s.when?.text);
    assertions(s.guards);
    assertions(s.expect);
    scan(s.retry?.until?.text);
    for (const d of [s.timeout, s.retry?.every, s.retry?.maxEvery, s.retry?.timeout]) scan(d?.template?.text);
    if (s.verify) step(s.verify);
  };
  for (const s of steps) step(s);
  return names;
}

/** The suites `names` and every suite they run with `check:`, inside one document. */
function withDependencies(doc: Runbook, names: readonly string[]): CheckSuite[] {
  const byName = new Map(doc.checks.map((c) => [c.name.value, c]));
  const out: CheckSuite[] = [];
  const add = (name: string) => {
    const suite = byName.get(name);
    if (!suite || out.includes(suite)) return;
    out.push(suite);
    for (const s of suite.steps) if (s.check) add(s.check.value);
  };
  for (const n of names) add(n);
  return out;
}

/** The params the suites need, with the params their defaults read, as the library declares them. */
function neededParams(lib: Runbook, suites: readonly CheckSuite[]): Param[] {
  const byName = new Map(lib.params.map((p) => [p.name.value, p]));
  const out: Param[] = [];
  const pending = [...paramReads(suites.flatMap((s) => s.steps))];
  while (pending.length > 0) {
    const p = byName.get(pending.shift() as string);
    if (!p || out.includes(p)) continue;
    out.push(p);
    if (p.default?.kind === "string")
      for (const m of p.default.source.text.matchAll(/\bparams\.([A-Za-z_][A-Za-z0-9_]*)/g))
        pending.push(m[1] as string);
  }
  return out;
}

/** Load the library one import names (once), its own imports merged in; undefined when it cannot be used. */
function loadLibrary(doc: Runbook, imp: Import, chain: readonly string[], ctx: Ctx): Runbook | undefined {
  const file = join(dirname(doc.file), imp.from.value);
  const abs = resolve(file);
  if (chain.includes(abs)) {
    ctx.out.push(
      diagnostic(
        "import-cycle",
        "error",
        `Check libraries import each other in a circle (${[...chain, abs].map((f) => f.split("/").at(-1)).join(" → ")}); remove one of these imports`,
        imp.from.span,
      ),
    );
    return undefined;
  }
  const known = ctx.loaded.get(abs);
  if (known) return known.doc;
  ctx.loaded.set(abs, {});
  let text: string;
  try {
    text = ctx.read(abs);
  } catch (e) {
    const reason = systemReason(e);
    ctx.out.push(
      diagnostic(
        "import-not-found",
        "error",
        `Cannot read the check library ${file}: ${reason}; the path is relative to this file's folder`,
        imp.from.span,
      ),
    );
    return undefined;
  }
  const loaded = ctx.load(file, text);
  ctx.out.push(...loaded.diagnostics);
  const lib = loaded.runbook;
  if (!lib) return undefined;
  if (lib.kind.value !== "CheckLibrary") {
    ctx.out.push(
      diagnostic(
        "import-not-library",
        "error",
        `${file} is a ${lib.kind.value}, not a CheckLibrary; import checks from a file with \`kind: CheckLibrary\``,
        imp.from.span,
      ),
    );
    return undefined;
  }
  mergeImports(lib, [...chain, abs], ctx);
  const entry: LoadedLibrary = {
    file,
    name: lib.metadata.name.value,
    version: lib.metadata.version.value,
    contentHash: createHash("sha256").update(text).digest("hex"),
    source: loaded.source,
    checks: [],
  };
  ctx.loaded.set(abs, { doc: lib, lib: entry });
  return lib;
}

/** Merge every import of `doc` into it: the named suites (and theirs), and the params they need. */
function mergeImports(doc: Runbook, chain: readonly string[], ctx: Ctx): void {
  for (const imp of doc.imports) {
    const lib = loadLibrary(doc, imp, chain, ctx);
    if (!lib) continue;
    const entry = ctx.loaded.get(resolve(join(dirname(doc.file), imp.from.value)))?.lib;
    if (lib.metadata.version.value !== imp.version.value) {
      ctx.out.push(
        diagnostic(
          "import-version-mismatch",
          "error",
          `${imp.from.value} is version ${lib.metadata.version.value}, and this file pins ${imp.version.value}: read what changed in the library, then pin ${lib.metadata.version.value}`,
          imp.version.span,
          [{ span: lib.metadata.version.span, message: "the library's version" }],
        ),
      );
      continue;
    }
    const names = lib.checks.map((c) => c.name.value);
    const wanted: string[] = [];
    for (const n of imp.checks) {
      if (names.includes(n.value)) {
        wanted.push(n.value);
        continue;
      }
      const hint = didYouMean(n.value, names) || ` It holds: ${names.join(", ")}.`;
      ctx.out.push(
        diagnostic(
          "unknown-import-check",
          "error",
          `${imp.from.value} has no check suite "${n.value}".${hint}`,
          n.span,
        ),
      );
    }
    const suites = withDependencies(lib, wanted);
    for (const suite of suites) {
      const same = doc.checks.find((c) => c.name.value === suite.name.value);
      if (same === suite) continue;
      if (same) {
        const at = imp.checks.find((c) => c.value === suite.name.value) ?? imp.from;
        ctx.out.push(
          diagnostic(
            "import-conflict",
            "error",
            `This file already has a check suite "${suite.name.value}"; rename one of them`,
            at.span,
            [{ span: same.name.span, message: "the suite of that name" }],
          ),
        );
        continue;
      }
      doc.checks.push({ ...suite, from: suite.from ?? lib.file });
      if (entry && !entry.checks.includes(suite.name.value)) entry.checks.push(suite.name.value);
    }
    for (const param of neededParams(lib, suites)) {
      const mine = doc.params.find((p) => p.name.value === param.name.value);
      if (!mine) doc.params.push({ ...param, importedFrom: param.importedFrom ?? lib.file });
      else if (mine.type !== param.type)
        ctx.out.push(
          diagnostic(
            "import-param-conflict",
            "error",
            `The imported checks read params.${param.name.value} as ${article(param.type)}, and this file declares it ${article(mine.type)}; declare it as the library does`,
            mine.typeSpan,
            [{ span: param.typeSpan, message: "the library's declaration" }],
          ),
        );
    }
  }
}

/** What a CheckLibrary may not hold: it runs nothing itself, so phases, connections, env and guards belong to runbooks. */
export function libraryShapeProblems(doc: Runbook): Diagnostic[] {
  if (doc.kind.value !== "CheckLibrary") return [];
  const found: [string, { span: Diagnostic["span"] } | undefined][] = [
    ["phases", doc.phases[0]],
    ["connections", doc.connections[0]],
    ["env", doc.env[0]],
    ["guards", doc.guards[0]],
    ["onFailure", doc.onFailure.span ? { span: doc.onFailure.span } : undefined],
  ];
  return found.flatMap(([field, node]) =>
    node
      ? [
          diagnostic(
            "unknown-field",
            "error",
            `"${field}" has no place in a CheckLibrary: a library holds params, checks and imports; move it to the runbooks that import the library`,
            node.span,
          ),
        ]
      : [],
  );
}

/** Merge a document's imports into it; every library loaded is listed on it. Problems point where they are. */
export function importLibraries(rb: Runbook, read: ReadText, load: LoadDocument): Diagnostic[] {
  if (rb.imports.length === 0) return [];
  const ctx: Ctx = { read, load, out: [], loaded: new Map() };
  mergeImports(rb, [resolve(rb.file)], ctx);
  rb.libraries = [...ctx.loaded.values()].flatMap((l) => (l.lib ? [l.lib] : []));
  return ctx.out;
}
