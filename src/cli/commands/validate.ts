// `rbx validate FILE|DIR...`: load each runbook, check its shape, references and expressions, print the problems.

import { checkRunbook } from "../../check/check-runbook.js";
import { useColor } from "../../diagnostics/color.js";
import { compareDiagnostics, type Diagnostic } from "../../diagnostics/diagnostic.js";
import { formatDiagnostics } from "../../diagnostics/format.js";
import { readSourceText } from "../../diagnostics/read-source.js";
import type { SourceFile } from "../../diagnostics/source-file.js";
import { isFleetText, loadFleetText } from "../../fleet/fleet-document.js";
import { loadRunbook, unreadable } from "../../parser/load.js";
import { findRunbookFiles } from "../../parser/runbook-files.js";
import { projectCatalog } from "../../project/project-catalog.js";
import { parseCommandLine, usageError } from "../command-line.js";
import type { CliIO } from "../io.js";

/** Shown by `rbx validate --help`. */
export const usage = `Usage: rbx validate [--quiet] FILE|DIR...

Check runbooks (and kind: Fleet documents) against the rbx/v1 schema, their references (step ids, check suites, actions, param
defaults) and the types of their expressions. A directory is searched recursively for *.rb.yaml and
*.rb.yml files. Problems print as file:line:col with the source line and a caret.

Options:
  --quiet   print only the problems, no summary line

Exit status: 0 no errors, 1 errors found, 2 usage error (unknown option, missing path).
`;

/**
 * Everything `rbx validate` reports for one file: the problems of the `.rbx.yaml` above it (its action modules,
 * once per config), loader problems, then the semantic checks on a sound AST. The file is read once (bounded,
 * regular files only), then loaded as a fleet or a runbook.
 */
export async function validateFile(
  path: string,
  seenConfigs: Set<string> = new Set(),
): Promise<{ diagnostics: Diagnostic[]; sources: ReadonlyMap<string, SourceFile> }> {
  const read = readSourceText(path);
  const text = read.ok ? read.text : "";
  if (isFleetText(text)) {
    const fleet = await loadFleetText(text, path);
    return { diagnostics: fleet.diagnostics, sources: new Map([[path, fleet.source]]) };
  }
  const project = await projectCatalog({ near: path });
  const sources = new Map<string, SourceFile>();
  const diagnostics: Diagnostic[] = [];
  if (project.configFile && project.source && !seenConfigs.has(project.configFile)) {
    seenConfigs.add(project.configFile);
    sources.set(project.source.name, project.source);
    diagnostics.push(...project.diagnostics);
  }
  const { catalog } = project;
  const loaded = read.ok ? loadRunbook(path, text, { catalog }) : unreadable(path, read.reason);
  for (const [name, source] of loaded.sources) sources.set(name, source);
  diagnostics.push(
    ...loaded.diagnostics,
    ...(loaded.runbook ? checkRunbook(loaded.runbook, catalog, loaded.source) : []),
  );
  diagnostics.sort(compareDiagnostics);
  return { diagnostics, sources };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Validate the given paths; returns the exit code. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const parsed = parseCommandLine("validate", argv, { quiet: { type: "boolean", short: "q" } }, io, {
    positionals: true,
  });
  if (!parsed) return 2;
  const quiet = parsed.values.quiet === true;
  const paths = parsed.positionals;
  if (paths.length === 0) return usageError(io, "validate", "give at least one runbook file or directory");
  const files: string[] = [];
  for (const p of paths) {
    const found = await findRunbookFiles(p);
    if (!found.ok) {
      io.stderr.write(`rbx validate: ${found.reason}\n`);
      return 2;
    }
    if (found.files.length === 0) {
      io.stderr.write(`rbx validate: no *.rb.yaml or *.rb.yml files under ${p}\n`);
      return 2;
    }
    files.push(...found.files);
  }
  const sources = new Map<string, SourceFile>();
  const color = useColor(io.stdout, io.env);
  let errors = 0;
  let warnings = 0;
  let failedFiles = 0;
  const seenConfigs = new Set<string>();
  for (const file of [...new Set(files)]) {
    const found = await validateFile(file, seenConfigs);
    const { diagnostics } = found;
    for (const [name, source] of found.sources) sources.set(name, source);
    const e = diagnostics.filter((d) => d.severity === "error").length;
    errors += e;
    warnings += diagnostics.filter((d) => d.severity === "warning").length;
    if (e > 0) failedFiles++;
    if (diagnostics.length > 0)
      io.stdout.write(formatDiagnostics(diagnostics, (f) => sources.get(f), { color }));
  }
  const total = [...new Set(files)].length;
  if (!quiet) {
    const summary =
      errors + warnings === 0
        ? `${plural(total, "runbook")} valid`
        : `${plural(errors, "error")}, ${plural(warnings, "warning")} in ${failedFiles} of ${plural(total, "runbook")}`;
    io.stdout.write(`${summary}\n`);
  }
  return errors > 0 ? 1 : 0;
}
