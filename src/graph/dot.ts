// Graphviz dot text of a runbook graph, for `dot -Tsvg` and tools that read dot.
import type { GraphCluster, GraphEdge, GraphNode, RunbookGraph } from "./model.js";

/** Control characters (below U+0020, and DEL) have no place in a label. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f]/g;

/**
 * Quote a string as a dot ID: backslashes and quotes escaped, `&` written as `&amp;` (Graphviz decodes
 * HTML entities in every string), control characters dropped.
 */
export function dotString(text: string): string {
  return `"${text.replace(/&/g, "&amp;").replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(CONTROL, " ")}"`;
}

/** Several lines as one dot label: each line escaped, joined by dot's centred line break. */
function label(lines: readonly string[]): string {
  return lines.map((l) => dotString(l).slice(1, -1)).join("\\n");
}

const SHAPES: Record<GraphNode["kind"], string> = {
  start: 'shape=box, style="rounded,bold"',
  end: 'shape=box, style="rounded,bold"',
  guards: "shape=hexagon",
  step: 'shape=box, style="rounded"',
  check: "shape=box, peripheries=2",
  approval: "shape=parallelogram",
  empty: 'shape=box, style="dotted"',
  halt: 'shape=doublecircle, style="filled", fillcolor="#fef3c7"',
};

function node(n: GraphNode, indent: string): string {
  const attrs = [`label="${label(n.lines)}"`, SHAPES[n.kind]];
  if (n.rollback) attrs.push('color="#b91c1c"', 'fontcolor="#7f1d1d"');
  else if (n.effect === "write") attrs.push('color="#b45309"', "penwidth=2");
  return `${indent}${n.id} [${attrs.join(", ")}];`;
}

function cluster(c: GraphCluster, out: string[]): void {
  out.push(`  subgraph cluster_${c.id} {`);
  out.push(`    label=${dotString(c.title)};`);
  if (c.kind === "rollback") out.push('    style="dashed"; color="#b91c1c"; fontcolor="#b91c1c";');
  else if (c.kind === "check-suite") out.push('    style="rounded"; color="#0369a1";');
  else out.push('    style="rounded";');
  for (const n of c.nodes) out.push(node(n, "    "));
  out.push("  }");
}

function edge(e: GraphEdge): string {
  const attrs: string[] = [];
  if (e.label) attrs.push(`label=${dotString(e.label)}`);
  if (e.kind === "rollback") attrs.push("style=dashed", 'color="#b91c1c"');
  if (e.kind === "halt") attrs.push("style=dashed", 'color="#92400e"');
  if (e.kind === "uses") attrs.push("style=dotted");
  if (e.kind !== "flow") attrs.push("constraint=false");
  if (e.fromCluster) attrs.push(`ltail=cluster_${e.fromCluster}`);
  if (e.toCluster) attrs.push(`lhead=cluster_${e.toCluster}`);
  return `  ${e.from} -> ${e.to}${attrs.length > 0 ? ` [${attrs.join(", ")}]` : ""};`;
}

/** Render the graph as a dot digraph; clusters stand for phases, rollback steps and check suites. */
export function renderDot(graph: RunbookGraph): string {
  const out: string[] = [
    "digraph runbook {",
    `  label=${dotString(graph.title)};`,
    "  labelloc=t;",
    "  compound=true;",
    "  rankdir=TB;",
    '  node [fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
  for (const n of graph.nodes) out.push(node(n, "  "));
  for (const c of graph.clusters) cluster(c, out);
  for (const e of graph.edges) out.push(edge(e));
  out.push("}");
  return `${out.join("\n")}\n`;
}
