// What is published for one version of a document: `rbx lint`'s findings under the nearest `.rbx.yaml`, or the
// server's own single report (too large, a refused config, an internal failure) — computed after yielding to the
// requests that came with the edit.
import { pathToFileURL } from "node:url";
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic } from "vscode-languageserver/node";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { ActionCatalog } from "../contract/action.js";
import { EMPTY_CONFIG } from "../lint/config.js";
import { lintLoaded } from "../lint/linter.js";
import type { Analysis } from "./analysis.js";
import type { DocsLinker } from "./docs-links.js";
import type { LintConfigs } from "./lint-configs.js";
import { toLspDiagnostic } from "./lsp-diagnostics.js";
import { toRange } from "./positions.js";
import { siteAt } from "./sites.js";
import { isRunbook } from "./workspace.js";

/** What the diagnostics of a document depend on besides the document. */
export interface DiagnosticsContext {
  catalog: ActionCatalog;
  configs: LintConfigs;
  docs: DocsLinker;
  maxBytes: number;
}

/** A one-diagnostic report at the top of a document. */
function topDiagnostic(code: string, message: string, severity: DiagnosticSeverity): LspDiagnostic {
  const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return { range, severity, code, source: "rbx", message };
}

/** The report of an analysis that failed: a bug, said in the editor rather than by a dead server. */
export function internalError(err: unknown): LspDiagnostic {
  return topDiagnostic(
    "internal-error",
    `rbx could not analyse this document (${String(err)}); \`rbx lint\` shows what it finds`,
    DiagnosticSeverity.Error,
  );
}

/** Let the messages already read from the editor be handled first (I/O callbacks run before immediates). */
const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

/**
 * The diagnostics of `doc`'s version, or undefined when a newer version arrived meanwhile (its own run follows).
 * `analysis` gives the version's shared load (a request may have made it already).
 */
export async function documentDiagnostics(
  doc: TextDocument,
  analysis: () => Analysis | undefined,
  current: () => boolean,
  ctx: DiagnosticsContext,
): Promise<LspDiagnostic[] | undefined> {
  const text = doc.getText();
  if (!isRunbook(doc.uri, text)) return [];
  if (text.length > ctx.maxBytes) {
    const message = `This document is ${mib(text.length)}, more than the ${mib(ctx.maxBytes)} rbx analyses as you type; run \`rbx lint\` on it, or raise the server's maxBytes`;
    return [topDiagnostic("too-large", message, DiagnosticSeverity.Information)];
  }
  // Requests that came with the edit (completion after a `.`) go first: they share this version's load, and
  // the checks and rules after it are the part nobody is waiting on.
  await yieldToRequests();
  if (!current()) return undefined;
  const a = analysis();
  if (!a) return [];
  await yieldToRequests();
  const { config, diagnostics: refused } = await ctx.configs.forFile(
    doc.uri.startsWith("file:") ? a.file : undefined,
  );
  if (!current()) return undefined;
  const result = await lintLoaded(a.file, a.loaded, {
    catalog: ctx.catalog,
    config: refused.length > 0 ? EMPTY_CONFIG : config,
  });
  if (!current()) return undefined;
  const out = result.diagnostics.map((d) =>
    toLspDiagnostic(d, a.source, doc.uri, ctx.docs, siteAt(a.sites, d.span.start.offset) !== undefined),
  );
  const first = refused[0];
  if (first) {
    const d = topDiagnostic(
      "invalid-config",
      `${first.span.file} is refused by rbx lint (${first.message}); the rules run with their default severities until it is fixed`,
      DiagnosticSeverity.Error,
    );
    d.relatedInformation = refused.map((r) => ({
      location: { uri: pathToFileURL(r.span.file).href, range: toRange(r.span) },
      message: r.message,
    }));
    out.unshift(d);
  }
  return out;
}
