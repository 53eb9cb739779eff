// The durations of an action's `with:` (`timeout`, `lockTimeout`, …): the runbook's one grammar, and Go's
// spelling for the tools (helm, kubectl) that parse `--timeout` themselves.
import { DURATION_HINT, durationPattern, parseDuration } from "../../contract/duration.js";
import type { SchemaFragment } from "./schema-fragment.js";

/** The JSON Schema fragment every `timeout`-like field uses: the pattern of contract/duration.ts. */
export const durationSchema: SchemaFragment = {
  examples: ["10m"],
  description: 'A duration such as "500ms", "30s", "15m" or "1h30m" (whole numbers; h, m, s, ms).',
  type: "string",
  pattern: durationPattern,
};

/**
 * Milliseconds of a `with:` duration, or the default when the field is absent. The schema refuses anything
 * else before a run; a value that still does not parse here (a template that produced something else, a
 * library caller) is an error that says how to write it.
 */
export function durationOr(value: string | number | undefined, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  const ms = typeof value === "string" ? parseDuration(value) : undefined;
  if (ms === undefined) throw new Error(`Invalid duration ${JSON.stringify(value)}: ${DURATION_HINT}`);
  return ms;
}

/** Go-style duration text ("15m0s") for the `--timeout` of tools like helm that parse it that way. */
export function goDuration(ms: number): string {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  return `${h ? `${h}h` : ""}${h || m ? `${m}m` : ""}${s}s`;
}
