// Durations as runbooks write them ("15m", "1h30m", "500ms") or as seconds, turned into milliseconds.
import type { SchemaFragment } from "./schema-fragment.js";

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;

/** The JSON Schema fragment every `timeout`-like field uses. */
export const durationSchema: SchemaFragment = {
  examples: ["10m"],
  description: 'A duration such as "30s", "15m", "1h30m" or "500ms" (a bare number means seconds).',
  anyOf: [
    { type: "string", pattern: "^(\\d+(\\.\\d+)?(ms|s|m|h|d))+$" },
    { type: "number", minimum: 0 },
  ],
};

/** Milliseconds of a duration string or a number of seconds; throws on anything else. */
export function parseDuration(value: string | number): number {
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value < 0)
      throw new Error(`Invalid duration ${value}: use a non-negative number`);
    return Math.round(value * 1000);
  }
  const text = value.trim();
  let total = 0;
  PART.lastIndex = 0;
  let consumed = 0;
  for (let m = PART.exec(text); m !== null; m = PART.exec(text)) {
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
    consumed = PART.lastIndex;
  }
  if (text === "" || consumed !== text.length) {
    throw new Error(`Invalid duration ${JSON.stringify(value)}: write it like "30s", "15m" or "1h30m"`);
  }
  return Math.round(total);
}

/** A duration in milliseconds or the default when the field is absent. */
export function durationOr(value: string | number | undefined, fallbackMs: number): number {
  return value === undefined ? fallbackMs : parseDuration(value);
}

/** Go-style duration text ("15m0s") for tools like helm that parse it that way. */
export function goDuration(ms: number): string {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  return `${h ? `${h}h` : ""}${h || m ? `${m}m` : ""}${s}s`;
}
