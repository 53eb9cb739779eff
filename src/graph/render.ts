// One entry for `rbx graph`: pick the syntax, build the graph once.
import type { ActionCatalog } from "../contract/action.js";
import type { Runbook } from "../parser/ast.js";
import { renderDot } from "./dot.js";
import { renderMermaid } from "./mermaid.js";
import { buildGraph } from "./model.js";

/** The syntaxes `rbx graph` writes. */
export const graphFormats = ["mermaid", "dot"] as const;
export type GraphFormat = (typeof graphFormats)[number];

/** Render a loaded runbook as a Mermaid flowchart or a dot digraph. */
export function renderGraph(runbook: Runbook, format: GraphFormat, catalog: ActionCatalog): string {
  const graph = buildGraph(runbook, catalog);
  return format === "dot" ? renderDot(graph) : renderMermaid(graph);
}
