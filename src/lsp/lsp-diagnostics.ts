// rbx diagnostics as LSP diagnostics: code, severity, a link to the code's docs, related places, and the data
// the quick fixes need (the misspelt word's range and the names "did you mean" offers).
import { pathToFileURL } from "node:url";
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic, type Range } from "vscode-languageserver/node";
import type { Diagnostic, Severity } from "../diagnostics/diagnostic.js";
import { suggestedNames } from "../diagnostics/did-you-mean.js";
import type { SourceFile } from "../diagnostics/source-file.js";
import { findRule } from "../lint/rules/index.js";
import type { DocsLinker } from "./docs-links.js";
import { rangeOf, toRange } from "./positions.js";

/** What a published diagnostic carries for the quick fixes. */
export interface FixData {
  /** The misspelt name's range and the names offered for it. */
  replace?: { range: Range; names: string[] };
  /** True for a lint rule's finding, which a suppression comment can silence. */
  rule?: boolean;
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

/** The range of the first name written inside a span (what a "did you mean" replaces). */
function nameRange(d: Diagnostic, source: SourceFile): Range | undefined {
  const start = d.span.start.offset;
  const text = source.text.slice(start, Math.max(d.span.end.offset, start + 1));
  const m = /[A-Za-z_][A-Za-z0-9_.-]*/.exec(text);
  if (!m) return undefined;
  const at = start + m.index;
  return rangeOf(source, at, at + m[0].length);
}

/** Convert one diagnostic of the document `uri` (loaded as `source`). */
export function toLspDiagnostic(
  d: Diagnostic,
  source: SourceFile,
  uri: string,
  docs: DocsLinker,
  inExpression = false,
): LspDiagnostic {
  const out: LspDiagnostic = {
    range: toRange(d.span),
    severity: SEVERITY[d.severity],
    code: d.code,
    source: "rbx",
    message: d.message,
  };
  const href = docs(d.code, inExpression);
  if (href) out.codeDescription = { href };
  if (d.related) {
    out.relatedInformation = d.related.map((r) => ({
      location: {
        uri: r.span.file === source.name ? uri : pathToFileURL(r.span.file).href,
        range: toRange(r.span),
      },
      message: r.message,
    }));
  }
  const data: FixData = {};
  const names = suggestedNames(d.message);
  const range = names.length > 0 ? nameRange(d, source) : undefined;
  if (range) data.replace = { range, names };
  if (findRule(d.code)) data.rule = true;
  if (data.replace || data.rule) out.data = data;
  return out;
}
