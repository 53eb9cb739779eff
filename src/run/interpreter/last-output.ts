// The parts of an output a condition reads (`output.pending` in `output.pending.size() == 0`), with their values:
// what a failed `until` shows of the last attempt's output.
import type { JsonValue } from "../../contract/json.js";

const MAX_PATHS = 4;

/** `output.a.b` paths in `text`, each followed as far as the output has those keys, with the value found. */
export function lastOutputOf(text: string, output: JsonValue): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const m of text.matchAll(/\boutput((?:\.[A-Za-z_]\w*)+)/g)) {
    let value: JsonValue = output;
    let path = "output";
    for (const key of (m[1] as string).slice(1).split(".")) {
      if (value === null || typeof value !== "object" || Array.isArray(value) || !(key in value)) break;
      value = (value as Record<string, JsonValue>)[key] as JsonValue;
      path += `.${key}`;
    }
    if (path === "output" || path in out) continue;
    out[path] = value;
    if (Object.keys(out).length >= MAX_PATHS) break;
  }
  return out;
}
