// Types as an editor shows them: the checker's spelling for one-line details, an indented outline of an
// object's fields (nested objects and lists of them expanded) for hovers.
import { type CelType, typeName } from "../contract/cel-types.js";

const MAX_DEPTH = 4;
const MAX_LINES = 60;

/** The one-line spelling the checker's messages use. */
export function typeLabel(t: CelType): string {
  return typeName(t);
}

/** The object a type holds fields of: the type itself, or the element of a list of objects. */
function fieldsOf(t: CelType): Readonly<Record<string, CelType>> | undefined {
  if (t.kind === "object") return t.fields;
  if (t.kind === "list" && t.elem.kind === "object") return t.elem.fields;
  return undefined;
}

/** An indented outline of a type: `name: type` per field, nested objects below their field (bounded). */
export function typeOutline(t: CelType): string {
  const lines: string[] = [];
  const walk = (fields: Readonly<Record<string, CelType>>, depth: number) => {
    for (const [name, ft] of Object.entries(fields)) {
      if (lines.length >= MAX_LINES) return;
      const inner = depth < MAX_DEPTH ? fieldsOf(ft) : undefined;
      const shown = inner ? (ft.kind === "list" ? "list of:" : "") : typeLabel(ft);
      lines.push(`${"  ".repeat(depth)}${name}: ${shown}`.trimEnd());
      if (inner) walk(inner, depth + 1);
    }
  };
  const top = fieldsOf(t);
  if (!top) return typeLabel(t);
  lines.push(t.kind === "list" ? "list of:" : `${typeLabel(t)}:`);
  walk(top, 1);
  if (lines.length >= MAX_LINES) lines.push("  …");
  return lines.join("\n");
}
