// What the checker knows about a runbook, computed in process with the same stages the server uses, so the
// tests compare the server's answers with the checker's own knowledge rather than with hand-written lists.
import { builtinCatalog } from "../../src/builtins/index.js";
import { stepsWithIds } from "../../src/check/environment.js";
import { RunOrder } from "../../src/check/run-order.js";
import type { CelType } from "../../src/contract/cel-types.js";
import type { Runbook, Step } from "../../src/parser/ast.js";
import { loadRunbook } from "../../src/parser/load.js";

/** The checked AST of a runbook's text. */
export function load(text: string): Runbook {
  const r = loadRunbook("rb.yaml", text, { catalog: builtinCatalog });
  if (!r.runbook) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
  return r.runbook;
}

/** The ids that can have run before `step` (by id), in document order. */
export function ranBefore(runbook: Runbook, step: Step): string[] {
  const order = new RunOrder(runbook).ranBefore(step);
  return stepsWithIds(runbook)
    .map((s) => s.id?.value as string)
    .filter((id) => order.has(id));
}

/** A step by id. */
export function stepById(runbook: Runbook, id: string): Step {
  const s = stepsWithIds(runbook).find((x) => x.id?.value === id);
  if (!s) throw new Error(`no step ${id}`);
  return s;
}

/** The field names of an action's output type. */
export function outputFields(action: string): string[] {
  const t = builtinCatalog.find(action)?.output as CelType;
  return t.kind === "object" ? Object.keys(t.fields) : [];
}
