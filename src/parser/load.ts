// The loader: text → YAML (ranges kept) → schema check → typed Runbook AST, with every problem as a Diagnostic.
import type { Document } from "yaml";
import { compareDiagnostics, type Diagnostic, diagnostic, hasErrors } from "../diagnostics/diagnostic.js";
import { readSourceOrThrow, readSourceText } from "../diagnostics/read-source.js";
import { SourceFile } from "../diagnostics/source-file.js";
import type { Runbook } from "./ast.js";
import { buildRunbook } from "./ast-builder/build-runbook.js";
import { Reader } from "./ast-builder/reader.js";
import type { ShapeCatalog } from "./catalog.js";
import { importLibraries, libraryShapeProblems } from "./check-libraries.js";
import { childRunbookProblems, type ReadText } from "./child-runbooks.js";
import { paramProblems } from "./param-checks.js";
import { defaultCycleProblems } from "./param-defaults.js";
import { referenceProblems } from "./reference-checks.js";
import { schemaFor } from "./schema/catalog-schema.js";
import { validateShape } from "./schema/validate-shape.js";
import { documentData } from "./yaml-data.js";
import { parseYaml } from "./yaml-document.js";

/** What loading one file gives: the AST when the shape is sound, every problem found, and the text. */
export interface LoadResult {
  /**
   * Present when the YAML is sound and the schema found at most problems of single values (an unknown field, a
   * duration, a name); reference and other problems may still be listed. Check `diagnostics` before using it.
   */
  runbook?: Runbook;
  diagnostics: Diagnostic[];
  source: SourceFile;
  /**
   * With `editor: true`: the AST read as far as it goes from a document the schema refused (or whose YAML is
   * broken), for an editor's completion and navigation while a line is half typed. Never checked or run.
   */
  partial?: Runbook;
  /** With `editor: true`: the parsed YAML (ranges kept), so an editor can tell which key the cursor is in. */
  yaml?: Document.Parsed;
  /** The file and every check library it imports, by name, for showing diagnostics with their lines. */
  sources: ReadonlyMap<string, SourceFile>;
}

export interface LoadOptions {
  /** The actions documents may use; the built-in catalog is checked with the committed, precompiled schema. */
  catalog: ShapeCatalog;
  /** Also return the parsed YAML and, when the document is refused, the partial AST (the language server). */
  editor?: boolean;
  /**
   * How files a document names (`run:` children, check libraries) are read: as regular files of at most
   * MAX_SOURCE_BYTES unless given (an editor's buffers); a failure throws an Error whose message is the reason.
   */
  readText?: ReadText;
}

/** Shape problems of one value only: the AST is still built, and checked, when these are all there is. */
const VALUE_CODES = new Set(["unknown-field", "invalid-duration", "invalid-name", "invalid-semver"]);

/**
 * One literal token, one report: when two stages flag exactly the same text (the schema calls `action: Http
 * Check` an invalid name, the reference check an unknown action with a "did you mean"), the later stage, which
 * knows more, speaks for it.
 */
function onePerToken(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const at = (d: Diagnostic) => `${d.span.file}\u0000${d.span.start.offset}\u0000${d.span.end.offset}`;
  const last = new Map<string, Diagnostic>();
  for (const d of diagnostics) last.set(at(d), d);
  return diagnostics.filter((d) => last.get(at(d)) === d);
}

/** Load a runbook from its text; `file` is the name diagnostics print. Never throws for a bad document. */
export function loadRunbook(file: string, text: string, options: LoadOptions): LoadResult {
  const read = options.readText ?? readSourceOrThrow;
  const shaped = loadDocument(file, text, options);
  const { runbook, source } = shaped;
  const sources = new Map([[source.name, source]]);
  const diagnostics = [...shaped.diagnostics];
  if (runbook) {
    // Libraries are loaded without the editor's extras: only the document being edited needs them.
    const { editor: _editor, ...plain } = options;
    diagnostics.push(...importLibraries(runbook, read, (f, t) => loadDocument(f, t, plain)));
    for (const lib of runbook.libraries) sources.set(lib.source.name, lib.source);
    diagnostics.push(
      ...referenceProblems(runbook, options.catalog.actions),
      ...childRunbookProblems(runbook, read),
    );
  }
  return { ...shaped, diagnostics: onePerToken(diagnostics).sort(compareDiagnostics), sources };
}

/** What loading one document gives before its imports and references are looked at. */
type Shaped = Omit<LoadResult, "sources">;

/** One document's YAML, shape and params, built into an AST: the part a runbook and a library share. */
function loadDocument(file: string, text: string, options: LoadOptions): Shaped {
  const source = new SourceFile(file, text);
  const parsed = parseYaml(source);
  const diagnostics = [...parsed.diagnostics];
  const done = (runbook?: Runbook): Shaped => {
    const result: Shaped = runbook ? { runbook, diagnostics, source } : { diagnostics, source };
    if (options.editor) {
      result.yaml = parsed.doc;
      if (!runbook) {
        const partial = partialRunbook(source, parsed.doc);
        if (partial) result.partial = partial;
      }
    }
    return result;
  };
  if (parsed.fatal) return done();
  let data: unknown;
  try {
    data = documentData(parsed.doc);
  } catch {
    return done();
  }
  const shape = validateShape(parsed.doc, data, source, schemaFor(options.catalog));
  diagnostics.push(...shape);
  // Problems of single values (a field the format does not define, a duration or a name that does not parse)
  // leave the structure the AST is built from intact: build it anyway, so the problems that are independent of
  // them — a duplicate step id elsewhere, an unknown action, a type error in an expression — come in the same
  // pass. A wrong type or a missing field changes the structure itself: stop there.
  if (hasErrors(diagnostics) && !shape.every((d) => d.severity !== "error" || VALUE_CODES.has(d.code)))
    return done();
  const runbook = buildRunbook(new Reader(source), parsed.doc);
  diagnostics.push(
    ...paramProblems(runbook.params),
    ...defaultCycleProblems(runbook.params, source),
    ...libraryShapeProblems(runbook),
  );
  return done(runbook);
}

/** The AST of a refused document as far as the builder reads it (it reads any shape, skipping what is not there). */
function partialRunbook(source: SourceFile, doc: Document.Parsed): Runbook | undefined {
  try {
    return buildRunbook(new Reader(source), doc);
  } catch {
    return undefined;
  }
}

/**
 * Read and load a file (a regular file of at most MAX_SOURCE_BYTES); one that cannot be read is reported as a
 * `read-error` diagnostic.
 */
export async function loadRunbookFile(path: string, options: LoadOptions): Promise<LoadResult> {
  const read = readSourceText(path);
  return read.ok ? loadRunbook(path, read.text, options) : unreadable(path, read.reason);
}

/** What loading gives for a file that could not be read (`reason` as readSourceText says it). */
export function unreadable(file: string, reason: string): LoadResult {
  const source = new SourceFile(file, "");
  const message = `Cannot read the file: ${reason}`;
  return {
    diagnostics: [diagnostic("read-error", "error", message, source.span(0, 0))],
    source,
    sources: new Map([[file, source]]),
  };
}
