// Loading and checking a runbook for plan, run and resume: the loader, then the type checker.

import { resolve } from "node:path";
import { checkRunbook } from "../../check/check-runbook.js";
import type { ActionCatalog } from "../../contract/action.js";
import { compareDiagnostics, type Diagnostic, hasErrors } from "../../diagnostics/diagnostic.js";
import { formatDiagnostic } from "../../diagnostics/format.js";
import { readSourceText } from "../../diagnostics/read-source.js";
import type { Runbook } from "../../parser/ast.js";
import { loadRunbook } from "../../parser/load.js";
import { contentHash } from "./bind-run.js";

/** A runbook ready to bind, or the diagnostics (formatted) that stop it. */
export type Prepared =
  | { ok: true; runbook: Runbook; text: string; file: string; contentHash: string; warnings: string }
  | { ok: false; message: string };

/** Read, load and type-check a runbook file; `catalog` replaces the built-ins (tests register their own). */
export function prepareRunbook(path: string, cwd: string, catalog: ActionCatalog): Prepared {
  const file = resolve(cwd, path);
  const read = readSourceText(file);
  if (!read.ok) return { ok: false, message: `error: cannot read ${path}: ${read.reason}` };
  return prepareText(file, read.text, catalog);
}

/** Load and check a runbook's text. */
export function prepareText(file: string, text: string, catalog: ActionCatalog): Prepared {
  const loaded = loadRunbook(file, text, { catalog });
  const diagnostics: Diagnostic[] = [...loaded.diagnostics];
  if (loaded.runbook && !hasErrors(diagnostics))
    diagnostics.push(...checkRunbook(loaded.runbook, catalog, loaded.source));
  diagnostics.sort(compareDiagnostics);
  const shown = diagnostics.map((d) => `${formatDiagnostic(d, (f) => loaded.sources.get(f))}\n`).join("");
  if (!loaded.runbook || hasErrors(diagnostics)) return { ok: false, message: shown };
  if (loaded.runbook.kind.value === "CheckLibrary")
    return {
      ok: false,
      message: `${file} is a CheckLibrary: it holds checks for runbooks to import (\`imports:\`), and runs nothing itself`,
    };
  // The hash covers the libraries too: a resume notices a library that changed since the run started.
  const libraries = loaded.runbook.libraries.map((l) => l.contentHash).join(",");
  const hash = libraries ? contentHash(`${contentHash(text)}+${libraries}`) : contentHash(text);
  return { ok: true, runbook: loaded.runbook, text, file, contentHash: hash, warnings: shown };
}
