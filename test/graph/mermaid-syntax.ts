// A strict reader of the Mermaid flowchart subset rbx graph writes: any other line is an error.
const ID = "[A-Za-z_][A-Za-z0-9_]*";
/** A quoted label: no raw quotes, and no markup except <br/> (everything else is an entity code). */
const LABEL = '"(?:[^"<>]|<br/>)*"';
const SHAPES = [
  `\\[${LABEL}\\]`,
  `\\(\\[${LABEL}\\]\\)`,
  `\\{\\{${LABEL}\\}\\}`,
  `\\[\\[${LABEL}\\]\\]`,
  `\\[/${LABEL}/\\]`,
  `\\(\\(${LABEL}\\)\\)`,
];
const NODE = new RegExp(`^(${ID})(?:${SHAPES.join("|")})$`);
const SUBGRAPH = new RegExp(`^subgraph (${ID})\\[${LABEL}\\]$`);
const EDGE = new RegExp(`^(${ID}) (?:-->|-\\.->)(?:\\|${LABEL}\\|)? (${ID})$`);
const CLASS = new RegExp(`^class (${ID}(?:,${ID})*) (${ID})$`);
/** `prop:value,prop:value`; Mermaid's own docs write `stroke-dasharray: 5 5`, so values may hold spaces. */
const PROPS = "[a-z-]+: ?[^;,]+(?:,[a-z-]+: ?[^;,]+)*";
const CLASSDEF = new RegExp(`^classDef (${ID}) ${PROPS}$`);
const STYLE = new RegExp(`^style (${ID}) ${PROPS}$`);
const KEYWORDS = new Set([
  "end",
  "subgraph",
  "graph",
  "flowchart",
  "class",
  "classDef",
  "style",
  "click",
  "direction",
]);

/** Every problem in the text; empty when it is a well-formed flowchart of that subset. */
export function mermaidProblems(text: string): string[] {
  const problems: string[] = [];
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  if (lines[0] !== "flowchart TD") problems.push("must start with `flowchart TD`");
  const defined = new Set<string>();
  const used: string[] = [];
  const classes = new Set<string>();
  let depth = 0;
  for (const raw of lines.slice(1)) {
    const line = raw.trim();
    const sub = line.match(SUBGRAPH);
    const node = line.match(NODE);
    const edge = line.match(EDGE);
    const classDef = line.match(CLASSDEF);
    const cls = line.match(CLASS);
    const style = line.match(STYLE);
    if (line.startsWith("%%")) continue;
    if (line === "end") depth--;
    else if (line === "direction TB") {
      if (depth === 0) problems.push("direction outside a subgraph");
    } else if (sub) {
      depth++;
      defined.add(sub[1]!);
    } else if (node) defined.add(node[1]!);
    else if (edge) used.push(edge[1]!, edge[2]!);
    else if (classDef) classes.add(classDef[1]!);
    else if (cls) {
      used.push(...cls[1]!.split(","));
      if (!classes.has(cls[2]!)) problems.push(`class ${cls[2]} used before classDef`);
    } else if (style) used.push(style[1]!);
    else problems.push(`not a flowchart statement: ${line}`);
    if (depth < 0) problems.push("`end` without subgraph");
  }
  if (depth !== 0) problems.push("unclosed subgraph");
  for (const id of [...defined, ...used]) if (KEYWORDS.has(id)) problems.push(`id ${id} is a keyword`);
  for (const id of used) if (!defined.has(id)) problems.push(`${id} is used but never defined`);
  return problems;
}
