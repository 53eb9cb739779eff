// The rbx extension for VS Code: starts `rbx lsp` for runbooks (*.rb.yaml, *.rb.yml) and adds the command that
// shows the plan of the open runbook. Everything else — diagnostics, fixes, completion, hover — is the server's.
import * as vscode from "vscode";
import { LanguageClient, type LanguageClientOptions, type ServerOptions } from "vscode-languageclient/node";

let client: LanguageClient | undefined;

/** What the server's rbx.plan command answers. */
interface PlanResult {
  ok: boolean;
  text: string;
}

/** Start the language server with the user's settings. */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const config = vscode.workspace.getConfiguration("rbx");
  const command = config.get<string>("path", "rbx") || "rbx";
  const serverOptions: ServerOptions = { command, args: ["lsp", "--stdio"] };
  const docsBaseUrl = config.get<string>("docsBaseUrl", "");
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "yaml", pattern: "**/*.rb.{yaml,yml}" },
      { scheme: "untitled", language: "yaml" },
    ],
    initializationOptions: {
      diagnosticsDelayMs: config.get<number>("diagnosticsDelayMs", 25),
      ...(docsBaseUrl ? { docsBaseUrl } : {}),
    },
  };
  client = new LanguageClient("rbx", "rbx", serverOptions, clientOptions);
  context.subscriptions.push(vscode.commands.registerCommand("rbx.showPlan", () => showPlan()));
  await client.start();
}

/** Ask the server for the plan of the active runbook and show it beside it. */
async function showPlan(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!client || !editor) return;
  const config = vscode.workspace.getConfiguration("rbx.plan");
  const paramsFile = config.get<string>("paramsFile", "");
  const params = config.get<Record<string, string>>("params", {});
  const result = (await client.sendRequest("workspace/executeCommand", {
    command: "rbx.plan",
    arguments: [{ uri: editor.document.uri.toString(), params, ...(paramsFile ? { paramsFile } : {}) }],
  })) as PlanResult | null;
  if (!result) return;
  const doc = await vscode.workspace.openTextDocument({ content: result.text, language: "plaintext" });
  await vscode.window.showTextDocument(doc, vscode.ViewColumn.Beside);
  if (!result.ok)
    void vscode.window.showWarningMessage("rbx cannot plan this runbook yet: see the text for why.");
}

/** Stop the server with the extension. */
export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
