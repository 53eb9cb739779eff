// Applying an LSP workspace edit to a text, as an editor would, for the quick-fix tests.
import type { CodeAction, Position, TextEdit } from "vscode-languageserver-protocol";

function offset(text: string, p: Position): number {
  const lines = text.split("\n");
  return lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
}

/** The text after a code action's edits to `uri` (applied last first, so earlier offsets hold). */
export function applyAction(text: string, uri: string, action: CodeAction | undefined): string {
  const edits: TextEdit[] = [...(action?.edit?.changes?.[uri] ?? [])];
  if (edits.length === 0) throw new Error(`no edit in ${JSON.stringify(action)}`);
  edits.sort((a, b) => offset(text, b.range.start) - offset(text, a.range.start));
  let out = text;
  for (const e of edits)
    out = out.slice(0, offset(out, e.range.start)) + e.newText + out.slice(offset(out, e.range.end));
  return out;
}
