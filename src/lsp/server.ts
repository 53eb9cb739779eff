// The language server: wires the LSP requests of one editor connection to the features, lints each open
// runbook after a quiet moment, and turns any failure into a logged message — never a crash.
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import {
  CodeActionKind,
  type Connection,
  DiagnosticSeverity,
  type InitializeResult,
  type Diagnostic as LspDiagnostic,
  TextDocumentSyncKind,
  TextDocuments,
} from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { ActionCatalog } from "../contract/action.js";
import { EMPTY_CONFIG } from "../lint/config.js";
import { lintLoaded } from "../lint/linter.js";
import { rbxPackage } from "../package-root.js";
import type { Analysis } from "./analysis.js";
import { codeActions } from "./code-actions.js";
import { completeExpression } from "./complete-expression.js";
import { completeYaml } from "./complete-yaml.js";
import { Debouncer } from "./debounce.js";
import { docsLinker } from "./docs-links.js";
import { exprCursorAt } from "./expr-cursor.js";
import { hover } from "./hover.js";
import { LintConfigs } from "./lint-configs.js";
import { toLspDiagnostic } from "./lsp-diagnostics.js";
import { definition, references } from "./navigation.js";
import { DEFAULT_OPTIONS, readOptions, type ServerOptions } from "./options.js";
import { outline } from "./outline.js";
import { PLAN_COMMAND, planArgs, planDocument } from "./plan-command.js";
import { offsetAt, toRange } from "./positions.js";
import { siteAt } from "./sites.js";
import { fileOf, isRunbook, Workspace } from "./workspace.js";
import { yamlSpotAt } from "./yaml-cursor.js";

/** A one-diagnostic report at the top of a document (too large, a broken config, an internal failure). */
function topDiagnostic(code: string, message: string, severity: DiagnosticSeverity): LspDiagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity,
    code,
    source: "rbx",
    message,
  };
}

/** Let the messages already read from the editor be handled first (I/O callbacks run before immediates). */
const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Serve one editor on `connection` until it exits, with the actions runbooks may use (the CLI gives the built-ins). */
export function startServer(connection: Connection, catalog: ActionCatalog): void {
  const documents = new TextDocuments(TextDocument);
  let options: ServerOptions = DEFAULT_OPTIONS;
  let root = process.cwd();
  let docs = docsLinker(undefined);
  const workspace = new Workspace(catalog, () => options.maxBytes);
  const configs = new LintConfigs();

  /** Run a handler; a failure is logged and answered with `fallback`, so one bad document never stops the server. */
  const guard = <T>(what: string, fallback: T, fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      connection.console.error(
        `rbx lsp: ${what} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
      return fallback;
    }
  };

  const publish = async (uri: string): Promise<void> => {
    const doc = documents.get(uri);
    if (!doc) return;
    const version = doc.version;
    let diagnostics: LspDiagnostic[] = [];
    try {
      const text = doc.getText();
      if (!isRunbook(uri, text)) diagnostics = [];
      else if (text.length > options.maxBytes) {
        const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
        diagnostics = [
          topDiagnostic(
            "too-large",
            `This document is ${mb(text.length)}, more than the ${mb(options.maxBytes)} rbx analyses as you type; run \`rbx lint\` on it, or raise the server's maxBytes`,
            DiagnosticSeverity.Information,
          ),
        ];
      } else {
        // Requests that came with the edit (completion after a `.`) go first: they share this version's load,
        // and the checks and rules after it are the part nobody is waiting on.
        await yieldToRequests();
        if (documents.get(uri)?.version !== version) return;
        const a = workspace.analysis(doc) as Analysis;
        await yieldToRequests();
        const { config, diagnostics: refused } = await configs.forFile(
          uri.startsWith("file:") ? a.file : undefined,
        );
        if (documents.get(uri)?.version !== version) return;
        const result = lintLoaded(a.file, a.loaded, {
          catalog,
          config: refused.length > 0 ? EMPTY_CONFIG : config,
        });
        diagnostics = result.diagnostics.map((d) =>
          toLspDiagnostic(d, a.source, uri, docs, siteAt(a.sites, d.span.start.offset) !== undefined),
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
          diagnostics.unshift(d);
        }
      }
    } catch (err) {
      connection.console.error(
        `rbx lsp: analysing ${uri} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
      diagnostics = [
        topDiagnostic(
          "internal-error",
          `rbx could not analyse this document (${String(err)}); \`rbx lint\` shows what it finds`,
          DiagnosticSeverity.Error,
        ),
      ];
    }
    if (documents.get(uri)?.version !== version) return;
    await connection.sendDiagnostics({ uri, version, diagnostics });
  };
  const debouncer = new Debouncer((uri) => void publish(uri));

  /** The analysis and offset a position request is about. */
  const at = (uri: string, position: { line: number; character: number }) => {
    const doc = documents.get(uri);
    const a = doc ? workspace.analysis(doc) : undefined;
    return a ? { a, offset: offsetAt(a.source, position) } : undefined;
  };

  connection.onInitialize((params): InitializeResult => {
    options = readOptions(params.initializationOptions);
    docs = docsLinker(options.docsBaseUrl);
    const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri;
    if (folder?.startsWith("file:")) root = fileOf(folder);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: ["."] },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        documentSymbolProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        executeCommandProvider: { commands: [PLAN_COMMAND] },
      },
      serverInfo: { name: "rbx", version: rbxPackage().version },
    };
  });

  documents.onDidChangeContent((e) => debouncer.schedule(e.document.uri, options.diagnosticsDelayMs));
  documents.onDidClose((e) => {
    debouncer.forget(e.document.uri);
    workspace.forget(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onCompletion((p) =>
    guard("completion", [], () => {
      const h = at(p.textDocument.uri, p.position);
      if (!h) return [];
      const c = exprCursorAt(h.a.sites, h.offset);
      if (c) return completeExpression(h.a, c);
      const spot = h.a.loaded.yaml ? yamlSpotAt(h.a.loaded.yaml, h.a.source, h.offset) : undefined;
      return spot ? completeYaml(h.a, spot, h.offset) : [];
    }),
  );
  connection.onHover((p) =>
    guard("hover", null, () => {
      const h = at(p.textDocument.uri, p.position);
      return h ? hover(h.a, h.offset) : null;
    }),
  );
  connection.onDefinition((p) =>
    guard("definition", null, () => {
      const h = at(p.textDocument.uri, p.position);
      return h ? definition(h.a, p.textDocument.uri, h.offset) : null;
    }),
  );
  connection.onReferences((p) =>
    guard("references", [], () => {
      const h = at(p.textDocument.uri, p.position);
      return h ? references(h.a, p.textDocument.uri, h.offset, p.context.includeDeclaration) : [];
    }),
  );
  connection.onDocumentSymbol((p) =>
    guard("document symbols", [], () => {
      const doc = documents.get(p.textDocument.uri);
      const a = doc ? workspace.analysis(doc) : undefined;
      return a?.runbook ? outline(a.runbook) : [];
    }),
  );
  connection.onCodeAction((p) =>
    guard("code actions", [], () => {
      const doc = documents.get(p.textDocument.uri);
      const a = doc ? workspace.analysis(doc) : undefined;
      return a ? codeActions(a, p.textDocument.uri, p.context.diagnostics) : [];
    }),
  );
  connection.onExecuteCommand(async (p) => {
    if (p.command !== PLAN_COMMAND) return null;
    const args = planArgs(p.arguments);
    if (!args) return { ok: false, text: `${PLAN_COMMAND} takes [{ uri, params?, paramsFile? }]\n` };
    try {
      const open = documents.get(args.uri);
      const file = fileOf(args.uri);
      const text = open ? open.getText() : await readFile(file, "utf8");
      return await planDocument(file, text, args, { catalog, env: process.env, root });
    } catch (err) {
      return {
        ok: false,
        text: `rbx cannot plan ${args.uri}: ${err instanceof Error ? err.message : String(err)}\n`,
      };
    }
  });
  connection.onShutdown(() => debouncer.dispose());

  documents.listen(connection);
  connection.listen();
}
