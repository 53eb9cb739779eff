// Pick the outputs worth a line in a report: scalar fields near the top, clipped, never the whole blob.
import type { JsonValue } from "../contract/json.js";
import type { KeyOutput } from "./model.js";

const MAX_FIELDS = 8;
const MAX_VALUE = 120;

function clipValue(text: string): string {
  const one = text.replace(/\s+/g, " ");
  return one.length > MAX_VALUE ? `${one.slice(0, MAX_VALUE - 1)}…` : one;
}

function scalar(v: JsonValue): string | undefined {
  if (v === null) return "null";
  if (typeof v === "string") return clipValue(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[${v.length} item${v.length === 1 ? "" : "s"}]`;
  return undefined;
}

/**
 * Scalars of the output (one level of nesting, as `a.b`), lists as their size. The journal already
 * masked secrets, so what is shown here is what the journal holds.
 */
export function keyOutputs(output: JsonValue): KeyOutput[] {
  const found: KeyOutput[] = [];
  if (output === null || typeof output !== "object" || Array.isArray(output)) {
    const text = scalar(output);
    return text === undefined ? [] : [{ name: "output", value: text }];
  }
  for (const [name, value] of Object.entries(output)) {
    const text = scalar(value);
    if (text !== undefined) found.push({ name, value: text });
    else if (value && typeof value === "object" && !Array.isArray(value)) {
      for (const [sub, inner] of Object.entries(value)) {
        const t = scalar(inner);
        if (t !== undefined) found.push({ name: `${name}.${sub}`, value: t });
      }
    }
  }
  return found.slice(0, MAX_FIELDS);
}
