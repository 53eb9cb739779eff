// Row values from pg turned into plain JSON so they can be journaled and read by expressions.

/** A pg value as JSON: dates as ISO text, bytea as `\x` hex, int8/numeric stay the exact text pg returned. */
import type { JsonValue } from "../../contract/json.js";
export function toJson(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  if (Buffer.isBuffer(value)) return `\\x${value.toString("hex")}`;
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === "object") {
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toJson(v);
    return out;
  }
  return String(value);
}

/** Every row of a result as a JSON object. */
export function rowsToJson(rows: readonly Record<string, unknown>[]): Record<string, JsonValue>[] {
  return rows.map((row) => toJson(row) as Record<string, JsonValue>);
}
