// The one duration grammar of a runbook (`500ms`, `5s`, `1m30s`, `2h`): its schema pattern, parser and spelling.
//
// Every duration a runbook writes — a step's `timeout`, `retry.every/maxEvery/timeout`, a `duration` param, and
// every duration in an action's `with:` (`timeout`, `lockTimeout`, …) — is whole numbers with the units h, m, s
// and ms, each at most once and largest first. No days (24h), no decimals (1m30s, not 1.5m), no bare numbers
// (is 30 seconds or milliseconds?): one spelling per length of time, and each is also a CEL duration, so a
// value can flow into expressions unchanged. docs/format.md#durations says the same for people.

/** Units largest first; a duration writes each at most once, in this order. */
const units: readonly [string, number][] = [
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1_000],
  ["ms", 1],
];

/** The JSON Schema pattern for a duration string (kept in step with `parseDuration`). */
export const durationPattern = "^(?=.)(?:[0-9]+h)?(?:[0-9]+m)?(?:[0-9]+s)?(?:[0-9]+ms)?$";

/**
 * The JSON Schema pattern for a duration field of a step or `retry:`: a literal, or one whole `${{ }}`
 * template (no `}}` inside it) whose value is resolved when the step starts.
 */
export const durationOrTemplatePattern = `^(?:${durationPattern.slice(1, -1)}|\\$\\{\\{(?:[^}]|\\}[^}])*\\}\\})$`;

/** What to write instead of a duration that does not parse; every "not a duration" message ends with it. */
export const DURATION_HINT =
  "write whole numbers with h, m, s or ms, largest first, e.g. 500ms, 30s, 1m30s, 2h";

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

/**
 * The canonical spelling of a number of milliseconds in the runbook grammar (`90000` → `1m30s`): for what
 * rbx writes back as a runbook would (the plan, computed param defaults). A time measured while a run went
 * (`12.4s`, `3m05s`) is written by `formatElapsed` (elapsed.ts) instead.
 */
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
