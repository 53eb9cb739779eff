// `rbx graph FILE`: the runbook as a Mermaid flowchart (or Graphviz dot) of phases, steps, checks and rollback.

import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { useColor } from "../../diagnostics/color.js";
import { hasErrors } from "../../diagnostics/diagnostic.js";
import { formatDiagnostics } from "../../diagnostics/format.js";
import { type GraphFormat, graphFormats, renderGraph } from "../../graph/render.js";
import { loadRunbookFile } from "../../parser/load.js";
import { parseCommandLine, usageError } from "../command-line.js";
import type { CliIO } from "../io.js";
import { cliCatalog } from "../project-catalog.js";

/** Shown by `rbx graph --help`. */
export const usage = `Usage: rbx graph FILE [--format mermaid|dot] [-o OUT]

Draw a runbook: a subgraph per phase with its steps (action shown, write steps outlined), the named
check suites and where they run, each rollback boundary's rollback steps joined by dashed arrows, and
where a failure goes under the failure policy (roll back, or halt for the operator).

Mermaid (the default) renders in GitHub pull requests and Markdown docs inside a \`\`\`mermaid block;
dot renders with Graphviz: rbx graph FILE --format dot | dot -Tsvg > runbook.svg

Options:
  --format F   mermaid (default) or dot
  -o, --output OUT   write to OUT instead of standard output

Exit status: 0 drawn (errors in references are reported on stderr), 1 the file is not a readable
runbook, 2 usage error.
`;

/** Draw one runbook; returns the exit code. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const options = { format: { type: "string", short: "f" }, output: { type: "string", short: "o" } } as const;
  const parsed = parseCommandLine("graph", argv, options, io, { positionals: true });
  if (!parsed) return 2;
  const { values, positionals: files } = parsed;
  const format = (values.format ?? "mermaid") as GraphFormat;
  if (!(graphFormats as readonly string[]).includes(format))
    return usageError(io, "graph", `unknown format "${format}"; use ${graphFormats.join(" or ")}`);
  const output = values.output;
  if (files.length !== 1) return usageError(io, "graph", "give exactly one runbook file");
  const catalog = await cliCatalog("graph", io, { near: resolve(io.cwd, files[0]!) });
  if (!catalog) return 1;
  const loaded = await loadRunbookFile(files[0]!, { catalog });
  if (!loaded.runbook) {
    io.stderr.write(
      formatDiagnostics(loaded.diagnostics, (f) => loaded.sources.get(f), {
        color: useColor(io.stderr, io.env),
      }),
    );
    io.stderr.write(`rbx graph: ${files[0]} is not a runbook rbx can read; fix the problems above first\n`);
    return 1;
  }
  // A sound shape with broken references (an unknown action, a misspelt step) can still be drawn.
  if (hasErrors(loaded.diagnostics)) {
    const n = loaded.diagnostics.filter((d) => d.severity === "error").length;
    io.stderr.write(
      `rbx graph: drawn, but ${files[0]} has ${n} error${n === 1 ? "" : "s"}; rbx validate shows them\n`,
    );
  }
  const text = renderGraph(loaded.runbook, format, catalog);
  if (output !== undefined) await writeFile(output, text);
  else io.stdout.write(text);
  return 0;
}
