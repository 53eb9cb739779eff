// Binding a checked runbook to a run: params, secrets registered with the redactor, connections resolved.

import { createHash } from "node:crypto";
import type { ActionCatalog } from "../../contract/action.js";
import type { ResolvedConnection } from "../../contract/connection.js";
import type { JsonValue } from "../../contract/json.js";
import type { Runbook } from "../../parser/ast.js";
import { emptyState } from "../model/state.js";
import type { Evaluator } from "./evaluator.js";
import { createEvaluator } from "./expr-evaluator.js";
import { shortSecret } from "./params.js";
import { buildProgram, type Program } from "./program.js";
import { MIN_SECRET_LENGTH, TaintRedactor } from "./taint-redactor.js";

/** A runbook bound to params: what plan, run and resume share. */
export interface BoundRun {
  runbook: Runbook;
  program: Program;
  params: Record<string, JsonValue>;
  /** The params as journaled: secrets masked. */
  publicParams: Record<string, JsonValue>;
  redactor: TaintRedactor;
  evaluator: Evaluator;
  connections: Map<string, ResolvedConnection>;
  problems: string[];
}

/** sha256 of a document's text: recorded at start so resume refuses a changed document. */
export function contentHash(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Register secrets, build the evaluator and resolve every connection's fields. */
export function bindRun(
  runbook: Runbook,
  params: Record<string, JsonValue>,
  secretParams: ReadonlySet<string>,
  env: Readonly<Record<string, string | undefined>>,
  catalog: ActionCatalog,
): BoundRun {
  const redactor = new TaintRedactor();
  const publicParams: Record<string, JsonValue> = {};
  for (const [name, value] of Object.entries(params)) {
    if (secretParams.has(name)) {
      if (typeof value === "string") redactor.addSecret(value);
      publicParams[name] = "***";
    } else publicParams[name] = value;
  }
  const problems: string[] = [];
  for (const decl of runbook.env) {
    const v = env[decl.name.value];
    if (!decl.secret || !v) continue;
    if (v.length < MIN_SECRET_LENGTH) problems.push(shortSecret(`env ${decl.name.value}`));
    else redactor.addSecret(v);
  }
  const program = buildProgram(runbook);
  const evaluator = createEvaluator({ runbook, params, secretParams, env, redactor, catalog });
  const connections = new Map<string, ResolvedConnection>();
  const scope = { state: emptyState("setup") };
  for (const c of runbook.connections) {
    const fields: Record<string, unknown> = {};
    for (const entry of c.fields) {
      const r = evaluator.value(entry.value, scope);
      if (r.ok) fields[entry.key.value] = r.value;
      else
        problems.push(`connection "${c.name.value}" field ${entry.key.value}: ${redactor.redact(r.message)}`);
    }
    connections.set(c.name.value, { name: c.name.value, kind: c.kind, fields });
  }
  evaluator.bindConnections(connections);
  return { runbook, program, params, publicParams, redactor, evaluator, connections, problems };
}
