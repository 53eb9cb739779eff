// A real LSP client over stdio for the tests: spawns the built `bin/rbx.js lsp`, speaks JSON-RPC through
// vscode-languageserver-protocol, waits for the diagnostics of a given version, and stops the server by PID.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  type CodeAction,
  CodeActionRequest,
  type CompletionItem,
  type CompletionList,
  CompletionRequest,
  createProtocolConnection,
  DefinitionRequest,
  type Diagnostic,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  type DocumentSymbol,
  DocumentSymbolRequest,
  ExecuteCommandRequest,
  ExitNotification,
  type Hover,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  type InitializeResult,
  type Location,
  LogMessageNotification,
  type Position,
  type ProtocolConnection,
  PublishDiagnosticsNotification,
  type PublishDiagnosticsParams,
  ReferencesRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
} from "vscode-languageserver-protocol/node";

export const root = join(import.meta.dirname, "..", "..");
const bin = join(root, "bin", "rbx.js");

/** A runbook of the repository: its URI and text. */
export function runbook(name: string): { uri: string; text: string; path: string } {
  const path = join(root, "runbooks", name);
  return { uri: pathToFileURL(path).href, text: readFileSync(path, "utf8"), path };
}

/**
 * A frozen copy of a product runbook (test/lsp/fixtures/), for the tests that point at its text: the product
 * runbooks follow their seeds and change, and an editor feature's test should not move with them.
 */
export function fixtureRunbook(name: string): { uri: string; text: string; path: string } {
  const path = join(root, "test", "lsp", "fixtures", name);
  return { uri: pathToFileURL(path).href, text: readFileSync(path, "utf8"), path };
}

/** The LSP position of the `nth` occurrence of `needle` in `text`, `shift` characters into it. */
export function positionOf(text: string, needle: string, shift = 0, nth = 0): Position {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`"${needle}" (#${nth}) is not in the text`);
  }
  const offset = at + shift;
  const before = text.slice(0, offset);
  const line = before.split("\n").length - 1;
  return { line, character: offset - (before.lastIndexOf("\n") + 1) };
}

/** The text a range covers. */
export function textAt(text: string, range: { start: Position; end: Position }): string {
  const lines = text.split("\n");
  const off = (p: Position) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return text.slice(off(range.start), off(range.end));
}

/** The range a completion item's text edit replaces. */
export function editRange(item: CompletionItem | undefined): { start: Position; end: Position } {
  const e = item?.textEdit;
  if (!e) throw new Error(`no text edit in ${JSON.stringify(item)}`);
  return "range" in e ? e.range : e.replace;
}

/** One server process and the connection to it. */
export class LspClient {
  private readonly waiting: { uri: string; version: number; done: (p: PublishDiagnosticsParams) => void }[] =
    [];
  /** The latest diagnostics published per URI. */
  readonly published = new Map<string, PublishDiagnosticsParams>();
  /** Called with every publication (the connection holds one handler per method: this is it). */
  readonly listeners: ((p: PublishDiagnosticsParams) => void)[] = [];
  private readonly versions = new Map<string, number>();
  stderr = "";
  /** What the server logged (window/logMessage): handler failures land here. */
  readonly logs: string[] = [];
  initialized!: InitializeResult;

  private constructor(
    readonly child: ChildProcess,
    readonly connection: ProtocolConnection,
  ) {}

  static async start(
    opts: {
      env?: Record<string, string>;
      initializationOptions?: object;
      rootPath?: string;
      /** The server command and its arguments, as an editor's configuration gives them (default: the built rbx). */
      command?: { command: string; args: string[] };
    } = {},
  ): Promise<LspClient> {
    const command = opts.command ?? { command: process.execPath, args: [bin, "lsp", "--stdio"] };
    const child = spawn(command.command, command.args, {
      cwd: root,
      env: { ...process.env, ...opts.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const connection = createProtocolConnection(
      new StreamMessageReader(child.stdout as NodeJS.ReadableStream),
      new StreamMessageWriter(child.stdin as NodeJS.WritableStream),
    );
    const client = new LspClient(child, connection);
    child.stderr?.on("data", (d: Buffer) => {
      client.stderr += d.toString();
    });
    connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      client.published.set(p.uri, p);
      for (const l of client.listeners) l(p);
      for (const w of [...client.waiting]) {
        if (w.uri === p.uri && (p.version === undefined || p.version >= w.version)) {
          client.waiting.splice(client.waiting.indexOf(w), 1);
          w.done(p);
        }
      }
    });
    connection.onNotification(LogMessageNotification.type, (p) => {
      client.logs.push(p.message);
    });
    connection.listen();
    const rootUri = pathToFileURL(opts.rootPath ?? root).href;
    client.initialized = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: "rbx" }],
      capabilities: {},
      initializationOptions: opts.initializationOptions ?? {},
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  /** Open a document; resolves with its first diagnostics. */
  async open(uri: string, text: string): Promise<Diagnostic[]> {
    this.versions.set(uri, 1);
    const got = this.diagnosticsFor(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: "yaml", version: 1, text },
    });
    return (await got).diagnostics;
  }

  /** Replace a document's whole text; resolves with the diagnostics of the new version. */
  async change(uri: string, text: string): Promise<Diagnostic[]> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    const got = this.diagnosticsFor(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
    return (await got).diagnostics;
  }

  /** Send an edit without waiting for its diagnostics; returns the new version. */
  async edit(uri: string, text: string): Promise<number> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
    return version;
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  /** The diagnostics published for `version` (or later) of a document, within `ms`. */
  diagnosticsFor(uri: string, version: number, ms = 20_000): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no diagnostics for ${uri} v${version} in ${ms} ms`)),
        ms,
      );
      this.waiting.push({
        uri,
        version,
        done: (p) => {
          clearTimeout(timer);
          resolve(p);
        },
      });
    });
  }

  async completion(uri: string, position: Position): Promise<CompletionItem[]> {
    const r = (await this.connection.sendRequest(CompletionRequest.type, {
      textDocument: { uri },
      position,
    })) as CompletionItem[] | CompletionList | null;
    return Array.isArray(r) ? r : (r?.items ?? []);
  }

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
  }

  async definition(uri: string, position: Position): Promise<Location | null> {
    const r = await this.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position });
    return (Array.isArray(r) ? r[0] : r) as Location | null;
  }

  async references(uri: string, position: Position, includeDeclaration = false): Promise<Location[]> {
    return (
      (await this.connection.sendRequest(ReferencesRequest.type, {
        textDocument: { uri },
        position,
        context: { includeDeclaration },
      })) ?? []
    );
  }

  async symbols(uri: string): Promise<DocumentSymbol[]> {
    return ((await this.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) ??
      []) as DocumentSymbol[];
  }

  async codeActions(uri: string, diagnostics: Diagnostic[]): Promise<CodeAction[]> {
    const range = diagnostics[0]?.range ?? {
      start: { line: 0, character: 0 },
      end: { line: 0, character: 0 },
    };
    return ((await this.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range,
      context: { diagnostics },
    })) ?? []) as CodeAction[];
  }

  executeCommand(command: string, args: unknown[]): Promise<unknown> {
    return this.connection.sendRequest(ExecuteCommandRequest.type, { command, arguments: args });
  }

  /** Shut the server down and wait for its process to end; kill it by PID if it does not within 5 s. */
  async stop(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => {
      if (this.child.exitCode !== null) resolve(this.child.exitCode);
      else this.child.once("exit", (code) => resolve(code));
    });
    try {
      await Promise.race([
        this.connection.sendRequest(ShutdownRequest.type),
        new Promise((r) => setTimeout(r, 5000)),
      ]);
      await this.connection.sendNotification(ExitNotification.type);
    } catch {
      // the process may be gone already
    }
    const timer = setTimeout(() => {
      if (this.child.pid && this.child.exitCode === null) process.kill(this.child.pid, "SIGKILL");
    }, 5000);
    const code = await exited;
    clearTimeout(timer);
    this.connection.dispose();
    return code;
  }
}
