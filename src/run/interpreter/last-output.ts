// The parts of an output a condition reads (`output.pending` in `output.pending.size() == 0`), with their values:
// what a failed `until` shows of the last attempt's output.
import type { JsonValue } from "../../contract/json.js";

const MAX_PATHS = 4;

/** A list of records that have names (migrations, pods, jobs) is shown by their names. */
function named(value: JsonValue): JsonValue {
  if (!Array.isArray(value) || value.length === 0) return value;
  const names = value.map((v) =>
    v && typeof v === "object" && !Array.isArray(v) && typeof v.name === "string" ? v.name : undefined,
  );
  return names.every((n) => n !== undefined) ? (names as string[]) : value;
}

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
    out[path] = named(value);
    if (Object.keys(out).length >= MAX_PATHS) break;
  }
  return out;
}
