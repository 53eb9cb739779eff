// Why a `when` did not hold, in words an operator reads: the condition, and the values of the params and steps it
// reads (`params.analyticsEnabled is false`, `params.method == "helm" is false (params.method = "operator")`).
import type { JsonValue } from "../../contract/json.js";
import type { ExprText } from "../../parser/ast.js";
import type { RunState } from "../model/state.js";
import type { Program } from "./program.js";

const SHOWN_CHARS = 60;

function shown(v: JsonValue | undefined): string {
  const text = v === undefined ? "unset" : JSON.stringify(v);
  return text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}…` : text;
}

/** The status of `steps.<id>` as the evaluator sees it: the last unit with that id that has a record. */
function stepStatus(program: Program, state: RunState, id: string): string {
  let status = "pending";
  for (const unit of program.units.values()) {
    if (unit.outputId !== id) continue;
    const st = state.steps.get(unit.key);
    if (st) status = st.status;
  }
  return status;
}

/**
 * A sentence saying that `expr` is false, naming what it reads: params by their journaled (redacted) values,
 * steps by their status. A bare `params.x` reads "params.x is false".
 */
export function explainFalse(expr: ExprText, state: RunState, program: Program): string {
  const text = expr.text.trim();
  const params = state.started?.params ?? {};
  if (/^params\.[A-Za-z_]\w*$/.test(text)) return `${text} is false`;
  const facts: string[] = [];
  const seen = new Set<string>();
  for (const m of text.matchAll(/\bparams\.([A-Za-z_]\w*)/g)) {
    const name = m[1] as string;
    if (seen.has(`p:${name}`)) continue;
    seen.add(`p:${name}`);
    facts.push(`params.${name} = ${shown(params[name])}`);
  }
  for (const m of text.matchAll(/\bsteps\.([A-Za-z_]\w*)/g)) {
    const id = m[1] as string;
    if (seen.has(`s:${id}`)) continue;
    seen.add(`s:${id}`);
    facts.push(`steps.${id} ${stepStatus(program, state, id)}`);
  }
  return `\`${text}\` is false${facts.length ? ` (${facts.join(", ")})` : ""}`;
}
