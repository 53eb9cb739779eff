// JSON as the journal stores it, and turning whatever an action returns into it (bigints, dates, bytes).

/** A JSON value as written to the journal. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A JSON Schema (2020-12) object describing an action's `with:`. */
export type JsonSchema = { [key: string]: JsonValue | undefined };

/** A JSON-safe copy: bigints become numbers (or strings beyond 2^53), dates ISO strings, bytes base64. */
export function toJsonValue(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value : String(value);
    case "bigint":
      return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
        ? Number(value)
        : value.toString();
    case "object":
      break;
    default:
      return String(value);
  }
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value instanceof Map) {
    const out: { [key: string]: JsonValue } = {};
    for (const [k, v] of value) out[String(k)] = toJsonValue(v);
    return out;
  }
  const out: { [key: string]: JsonValue } = {};
  const record = value as Record<string, unknown>;
  // Own enumerable keys, as Object.entries gives them, without an array of pairs per object.
  for (const k in record) {
    if (!Object.hasOwn(record, k)) continue;
    const v = record[k];
    if (v !== undefined) out[k] = toJsonValue(v);
  }
  return out;
}
