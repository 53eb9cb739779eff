// Every verb's action catalog comes from here: project/'s projectCatalog, its problems printed with their line.
import type { ActionCatalog } from "../contract/action.js";
import { useColor } from "../diagnostics/color.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
import { formatDiagnostic, formatDiagnostics } from "../diagnostics/format.js";
import { type CatalogQuery, type ProjectCatalog, projectCatalog } from "../project/project-catalog.js";
import type { CatalogResolver } from "../run/sessions/session-options.js";
import type { CliIO } from "./io.js";

/** The config's problems as text: `file:line:col: severity: message` with the line and a caret. */
function shown(found: ProjectCatalog): string {
  return found.diagnostics.map((d) => `${formatDiagnostic(d, () => found.source)}\n`).join("");
}

/** The catalog for a runbook (or a folder); problems go to stderr, and errors among them give undefined. */
export async function cliCatalog(
  command: string,
  io: CliIO,
  query: CatalogQuery,
  isDirectory = false,
): Promise<ActionCatalog | undefined> {
  const found = await projectCatalog(query, isDirectory);
  if (found.diagnostics.length > 0) {
    io.stderr.write(
      formatDiagnostics(found.diagnostics, () => found.source, { color: useColor(io.stderr, io.env) }),
    );
  }
  if (!hasErrors(found.diagnostics)) return found.catalog;
  io.stderr.write(
    `rbx ${command}: ${found.configFile ?? ".rbx.yaml"} lists action modules rbx cannot use; fix the problems above\n`,
  );
  return undefined;
}

/** The run verbs' catalogs, found per runbook file (a child runbook may sit under another `.rbx.yaml`). */
export function cliCatalogResolver(): CatalogResolver {
  return async (file) => {
    const found = await projectCatalog({ near: file });
    if (!hasErrors(found.diagnostics)) {
      const warnings = shown(found);
      return warnings ? { catalog: found.catalog, warnings } : { catalog: found.catalog };
    }
    return {
      problem: `${shown(found)}error: ${found.configFile ?? ".rbx.yaml"} lists action modules rbx cannot use; fix the problems above`,
    };
  };
}
