// `rbx lsp`: the language server on stdin/stdout, for editors (see docs/editors.md).
import { parseCommandLine } from "../command-line.js";
import type { CliIO } from "../io.js";

/** Shown by `rbx lsp --help`. */
export const usage = `Usage: rbx lsp [--stdio]

Run the rbx language server on standard input and output (the Language Server Protocol), for editors:
diagnostics of \`rbx lint\` as you type, quick fixes, completion, hover, go to definition, references,
an outline, and the command rbx.plan that shows the plan of the open runbook.
Set it up in Neovim, Helix or VS Code as docs/editors.md shows.

Options:
  --stdio     talk over stdin/stdout (the default and only transport)
  -h, --help  print this help
`;

/** Run the server until the editor tells it to exit. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  if (!parseCommandLine("lsp", argv, { stdio: { type: "boolean" } }, io)) return 2;
  const { createConnection } = await import("vscode-languageserver/node");
  const { startServer } = await import("../../lsp/server.js");
  const { projectCatalog } = await import("../../project/project-catalog.js");
  // The catalog every verb builds, for the workspace's `.rbx.yaml`: the project's own actions complete and check
  // in the editor too. Its problems go to stderr (the editor's server log); stdout is the protocol.
  const project = await projectCatalog({ near: io.cwd }, true);
  for (const d of project.diagnostics)
    io.stderr.write(`rbx lsp: ${d.span.file}:${d.span.start.line}:${d.span.start.column}: ${d.message}\n`);
  // Given the streams themselves, the library ends the process when the editor exits or closes stdin.
  const connection = createConnection(process.stdin, process.stdout);
  const exited = new Promise<number>((done) => connection.onExit(() => done(0)));
  startServer(connection, project.catalog);
  return exited;
}
