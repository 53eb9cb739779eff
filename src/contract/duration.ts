// Duration literals (`500ms`, `5s`, `1m30s`, `2h`) shared by the loader, the schema and the runtime.

/** Units largest first; a duration writes each at most once, in this order. */
const units: readonly [string, number][] = [
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1_000],
  ["ms", 1],
];

/** The JSON Schema pattern for a duration string (kept in step with `parseDuration`). */
export const durationPattern = "^(?:[0-9]+h)?(?:[0-9]+m)?(?:[0-9]+s)?(?:[0-9]+ms)?$";

/**
 * The JSON Schema pattern for a duration field of a step or `retry:`: a literal, or one whole `${{ }}`
 * template (no `}}` inside it) whose value is resolved when the step starts.
 */
export const durationOrTemplatePattern = `^(?:${durationPattern.slice(1, -1)}|\\$\\{\\{(?:[^}]|\\}[^}])*\\}\\})$`;

const durationRe = /^(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?(?:([0-9]+)ms)?$/;

/** Milliseconds of a duration such as `1m30s`, or undefined when it does not parse. */
export function parseDuration(text: string): number | undefined {
  if (text === "") return undefined;
  const m = durationRe.exec(text);
  if (!m) return undefined;
  let ms = 0;
  for (let i = 0; i < units.length; i++) {
    const part = m[i + 1];
    if (part !== undefined) ms += Number(part) * (units[i] as [string, number])[1];
  }
  return ms;
}

/** The canonical spelling of a number of milliseconds (`90000` → `1m30s`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  let rest = Math.round(ms);
  let out = "";
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out;
}
