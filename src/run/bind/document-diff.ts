// What changed between the document a run started with and the one it resumes with (recorded on resume).
import type { Runbook } from "../../parser/ast.js";
import { buildProgram } from "./program.js";

// A step's meaning without positions: two steps that differ only in where they sit compare equal.
function shape(value: unknown): string {
  return JSON.stringify(value, (key, v) =>
    key === "span" || key === "offsets" || key.endsWith("Span") ? undefined : v,
  );
}

/** A short list of changes: steps added, removed or changed, and guards/params/connections changed. */
export function documentChanges(before: Runbook | undefined, after: Runbook): string[] {
  if (!before) return ["the document's content hash changed (no copy of the original to compare)"];
  const out: string[] = [];
  const a = buildProgram(before).units;
  const b = buildProgram(after).units;
  for (const [key, unit] of b) {
    const old = a.get(key);
    if (!old) out.push(`step ${key} added`);
    else if (shape(old.step) !== shape(unit.step)) out.push(`step ${key} changed`);
  }
  for (const key of a.keys()) if (!b.has(key)) out.push(`step ${key} removed`);
  if (shape(before.guards) !== shape(after.guards)) out.push("runbook guards changed");
  if (shape(before.params) !== shape(after.params)) out.push("params changed");
  if (shape(before.connections) !== shape(after.connections)) out.push("connections changed");
  if (
    shape(before.phases.map((p) => [p.id, p.onFailure])) !==
    shape(after.phases.map((p) => [p.id, p.onFailure]))
  ) {
    out.push("phases changed");
  }
  if (shape(before.onFailure.value) !== shape(after.onFailure.value)) out.push("onFailure changed");
  if (out.length === 0) out.push("only formatting or comments changed");
  return out;
}
