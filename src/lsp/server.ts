// The language server: wires the LSP requests of one editor connection to the features, lints each open
// runbook after a quiet moment, and turns any failure into a logged message — never a crash.
import { readFile } from "node:fs/promises";
import {
  CodeActionKind,
  type Connection,
  type InitializeResult,
  type Diagnostic as LspDiagnostic,
  TextDocumentSyncKind,
  TextDocuments,
} from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { ActionCatalog } from "../contract/action.js";
import { rbxPackage } from "../package-root.js";
import { codeActions } from "./code-actions.js";
import { completeExpression } from "./complete-expression.js";
import { completeYaml } from "./complete-yaml.js";
import { Debouncer } from "./debounce.js";
import { docsLinker } from "./docs-links.js";
import { documentDiagnostics, internalError } from "./document-diagnostics.js";
import { exprCursorAt } from "./expr-cursor.js";
import { hover } from "./hover.js";
import { LintConfigs } from "./lint-configs.js";
import { definition, references } from "./navigation.js";
import { DEFAULT_OPTIONS, readOptions, type ServerOptions } from "./options.js";
import { outline } from "./outline.js";
import { PLAN_COMMAND, planArgs, planDocument } from "./plan-command.js";
import { offsetAt } from "./positions.js";
import { rebasedCursor } from "./quick-cursor.js";
import { fileOf, Workspace } from "./workspace.js";
import { yamlSpotAt } from "./yaml-cursor.js";

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
    const current = () => documents.get(uri)?.version === version;
    let diagnostics: LspDiagnostic[] | undefined;
    try {
      diagnostics = await documentDiagnostics(doc, () => workspace.analysis(doc), current, {
        catalog,
        configs,
        docs,
        maxBytes: options.maxBytes,
      });
    } catch (err) {
      connection.console.error(
        `rbx lsp: analysing ${uri} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
      diagnostics = [internalError(err)];
    }
    if (diagnostics && current()) await connection.sendDiagnostics({ uri, version, diagnostics });
  };
  const debouncer = new Debouncer((uri) => publish(uri));

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
      const doc = documents.get(p.textDocument.uri);
      const last = workspace.last(p.textDocument.uri);
      if (doc && last && last.version !== doc.version && doc.getText().length <= options.maxBytes) {
        const quick = rebasedCursor(last, doc.getText(), (s) => offsetAt(s, p.position));
        if (quick) return completeExpression(last, quick.cursor, quick.source);
      }
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
