// A params or variables file (`--params-file`, `rbx eval --vars`, the language server's plan command): JSON or
// YAML, read bounded and parsed by the runbook's YAML rules, each problem with its line and caret.
import { resolve } from "node:path";
import { hasErrors } from "../../diagnostics/diagnostic.js";
import { formatDiagnostics } from "../../diagnostics/format.js";
import { readSourceText } from "../../diagnostics/read-source.js";
import { SourceFile } from "../../diagnostics/source-file.js";
import { parseYaml } from "../../parser/yaml-document.js";

/**
 * The mapping a `--params-file` or `--vars` file holds (JSON is YAML, so both read the same way), or what is
 * wrong, ready to print: the file cannot be read (not a regular file, too large), its YAML is wrong or nests
 * too deeply (each problem with its line and caret), or it is not a mapping. `display` names the file.
 */
export function readDataFile(
  path: string,
  display: string,
): { ok: true; data: Record<string, unknown> } | { ok: false; message: string } {
  const read = readSourceText(path);
  if (!read.ok) return { ok: false, message: `cannot read ${display}: ${read.reason}` };
  const source = new SourceFile(display, read.text);
  const parsed = parseYaml(source);
  if (hasErrors(parsed.diagnostics))
    return {
      ok: false,
      message: formatDiagnostics(parsed.diagnostics, () => source, { color: false }).trimEnd(),
    };
  const data: unknown = parsed.doc.toJS() ?? {};
  if (data === null || typeof data !== "object" || Array.isArray(data))
    return { ok: false, message: `${display} must hold a mapping of names to values` };
  return { ok: true, data: data as Record<string, unknown> };
}

/** Read a params file relative to `cwd`; throws with a message that says what is wrong. */
export async function readParamsFile(path: string, cwd: string): Promise<Record<string, unknown>> {
  const read = readDataFile(resolve(cwd, path), path);
  if (!read.ok) throw new Error(read.message);
  return read.data;
}
