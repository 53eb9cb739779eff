// Quick fixes for a published diagnostic: each "did you mean" name as a replacement, and for a lint rule's
// finding a suppression comment whose reason is a placeholder (which counts as no reason until replaced).

import {
  type CodeAction,
  CodeActionKind,
  type Diagnostic as LspDiagnostic,
  type TextEdit,
} from "vscode-languageserver/node";
import { isScalar } from "yaml";
import { enableComment, suppressionComment } from "../lint/suppressions.js";
import type { Analysis } from "./analysis.js";
import type { FixData } from "./lsp-diagnostics.js";
import { offsetAt, rangeOf } from "./positions.js";
import { hitAt } from "./yaml-cursor.js";

function fixData(d: LspDiagnostic): FixData {
  return (d.data && typeof d.data === "object" ? d.data : {}) as FixData;
}

/** The indentation of a 1-based line: what a comment placed before it starts with. */
function indentOf(a: Analysis, line: number): string {
  return /^\s*/.exec(a.source.lineText(line))?.[0] ?? "";
}

/** A comment line inserted before 1-based `line`. */
function commentBefore(a: Analysis, line: number, text: string, indent: string): TextEdit {
  const at = a.source.lineStarts[line - 1] ?? a.source.text.length;
  return { range: rangeOf(a.source, at, at), newText: `${indent}${text}\n` };
}

/**
 * The edits that suppress `code` at a diagnostic: a next-line comment above its line, or — when that line is
 * inside a multi-line scalar, where a comment would be text — a disable/enable pair around the whole scalar.
 */
function suppression(a: Analysis, code: string, d: LspDiagnostic): TextEdit[] {
  const offset = offsetAt(a.source, d.range.start);
  const line = d.range.start.line + 1;
  const hit = a.loaded.yaml ? hitAt(a.loaded.yaml, offset) : undefined;
  const range = hit && isScalar(hit.node) ? hit.node.range : undefined;
  if (range) {
    const first = a.source.position(range[0]).line;
    const last = a.source.position(Math.max(range[0], range[1] - 1)).line;
    if (first < line) {
      const indent = indentOf(a, first);
      return [
        commentBefore(a, first, suppressionComment("disable", [code]), indent),
        commentBefore(a, last + 1, enableComment([code]), indent),
      ];
    }
  }
  return [commentBefore(a, line, suppressionComment("disable-next-line", [code]), indentOf(a, line))];
}

/** The quick fixes for the diagnostics the editor sends back. */
export function codeActions(a: Analysis, uri: string, diagnostics: readonly LspDiagnostic[]): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of diagnostics) {
    if (d.source !== "rbx") continue;
    const data = fixData(d);
    data.replace?.names.forEach((name, i) => {
      const edit = { range: data.replace?.range ?? d.range, newText: name };
      out.push({
        title: `Change to "${name}"`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        isPreferred: i === 0,
        edit: { changes: { [uri]: [edit] } },
      });
    });
    if (data.rule && typeof d.code === "string") {
      out.push({
        title: `Suppress ${d.code} here (with a reason)`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        edit: { changes: { [uri]: suppression(a, d.code, d) } },
      });
    }
  }
  return out;
}
