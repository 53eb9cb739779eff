// A failure's cause as lines people read, from its details: the last output an `until` judged and what the target
// looked like (pods, restarts, waiting reasons, the failing containers' last log lines). Shared by the live
// view, `rbx status` and the reports.
import type { DiagnosedPod, Diagnosis } from "../../contract/action.js";
import type { FailureRecord } from "../../contract/failure.js";
import type { JsonValue } from "../../contract/json.js";

/** How many log lines of each container the cause shows (the journal keeps a few more). */
const SHOWN_LOG_LINES = 8;

function isDiagnosis(v: JsonValue | undefined): v is JsonValue & Diagnosis {
  return !!v && typeof v === "object" && !Array.isArray(v) && Array.isArray((v as { pods?: unknown }).pods);
}

/** One pod as a phrase: `kryton-5d-x: Running, not ready, 4 restarts, CrashLoopBackOff (back-off 10s), last exit 1`. */
export function podPhrase(p: DiagnosedPod): string {
  const parts = [p.phase, p.ready ? "ready" : "not ready"];
  if (p.restarts > 0) parts.push(`${p.restarts} restart${p.restarts === 1 ? "" : "s"}`);
  if (p.reason) parts.push(p.message ? `${p.reason} (${p.message})` : p.reason);
  if (p.lastExit) parts.push(`last ${p.lastExit}`);
  return `${p.name}: ${parts.join(", ")}`;
}

/** The structured cause of a failure, when its details carry one. */
export interface FailureCause {
  /** `output.pending = ["0003_note_folders"]`: what the last attempt's output said. */
  lastOutput: string[];
  diagnosis?: Diagnosis;
}

/** The cause found in a failure record's details (nothing when it has none). */
export function causeOf(error: FailureRecord | undefined): FailureCause {
  const d = error?.details ?? {};
  const last = d.lastOutput;
  const lastOutput =
    last && typeof last === "object" && !Array.isArray(last)
      ? Object.entries(last).map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
      : [];
  return { lastOutput, ...(isDiagnosis(d.diagnosis) ? { diagnosis: d.diagnosis } : {}) };
}

/** The cause as indented lines (empty when the record carries none). */
export function causeLines(error: FailureRecord | undefined, indent = "  "): string[] {
  const cause = causeOf(error);
  const out: string[] = [];
  for (const l of cause.lastOutput) out.push(`${indent}last output: ${l}`);
  const dg = cause.diagnosis;
  if (dg) {
    out.push(`${indent}${dg.target}:`);
    for (const p of dg.pods) out.push(`${indent}  pod ${podPhrase(p)}`);
    for (const l of dg.logs) {
      out.push(`${indent}  last log lines of ${l.pod}/${l.container}${l.previous ? " (previous run)" : ""}:`);
      for (const line of l.lines.slice(-SHOWN_LOG_LINES)) out.push(`${indent}    | ${line}`);
    }
  }
  return out;
}
