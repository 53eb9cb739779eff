// The environment of names a runbook gives its expressions: params, env, connections, steps and `output`.
import type { ActionCatalog } from "../contract/action.js";
import { type CelType, T } from "../contract/cel-types.js";
import type { Connection, ParamType, Runbook, Step, ValueNode } from "../parser/ast.js";
import type { TypeEnv } from "./type-env.js";

const PARAM_TYPES: Record<ParamType, CelType> = {
  string: T.string,
  int: T.int,
  bool: T.bool,
  semver: T.semver,
  duration: T.duration,
  url: T.string,
  enum: T.string,
  secret: T.string,
};

/** The CEL type of a param of the given declared type (url, enum and secret are strings); dyn for a half-typed one. */
export function paramType(type: ParamType): CelType {
  return PARAM_TYPES[type] ?? T.dyn;
}

/** The type of a literal value written in the document (a connection field, a default). */
export function valueType(v: ValueNode): CelType {
  switch (v.kind) {
    case "string":
      return T.string;
    case "number":
      return v.integer ? T.int : T.double;
    case "bool":
      return T.bool;
    case "null":
      return T.null;
    case "list":
      return T.list(T.dyn);
    case "map":
      return T.map(T.string, T.dyn);
  }
}

/** The output of a `run:` step: which child run it was, how it ended, and the child runbook's identity. */
export const CHILD_RUN_OUTPUT: CelType = T.object("child run", {
  runId: T.string,
  status: T.string,
  runbook: T.string,
  version: T.string,
});

/** The type of `output` for a step: its action's declared output type (a child run's for `run:`), else dyn. */
export function stepOutputType(step: Step, catalog: ActionCatalog): CelType {
  if (step.run) return CHILD_RUN_OUTPUT;
  const action = step.action ? catalog.find(step.action.value) : undefined;
  return action?.output ?? T.dyn;
}

function connectionType(c: Connection): CelType {
  const fields: Record<string, CelType> = { kind: T.string, name: T.string };
  for (const f of c.fields) fields[f.key.value] = valueType(f.value);
  return T.object(`connection ${c.name.value}`, fields);
}

/** Every step of the document that has an id: phase steps, rollback steps, check-suite steps (first wins). */
export function stepsWithIds(runbook: Runbook): Step[] {
  const out: Step[] = [];
  const seen = new Set<string>();
  const add = (s: Step) => {
    if (s.id && !seen.has(s.id.value)) {
      seen.add(s.id.value);
      out.push(s);
    }
  };
  for (const p of runbook.phases) {
    for (const s of p.steps) add(s);
    for (const s of p.rollback ?? []) add(s);
  }
  for (const c of runbook.checks) for (const s of c.steps) add(s);
  return out;
}

/**
 * The environment of a runbook's expressions. `params.*`, `env.*`, `connections.*` and `steps.<id>`
 * (`output` typed by the built-in, `status` a string) are always declared; pass `output` for
 * `expect` and `retry.until`, where `output` is the output of the step being judged.
 */
export function runbookEnv(runbook: Runbook, catalog: ActionCatalog, output?: CelType): TypeEnv {
  const params: Record<string, CelType> = {};
  const secrets = new Set<string>();
  for (const p of runbook.params) {
    params[p.name.value] = paramType(p.type);
    if (p.type === "secret") secrets.add(`params.${p.name.value}`);
  }
  const env: Record<string, CelType> = {};
  for (const e of runbook.env) {
    env[e.name.value] = T.string;
    if (e.secret) secrets.add(`env.${e.name.value}`);
  }
  const connections: Record<string, CelType> = {};
  for (const c of runbook.connections) connections[c.name.value] = connectionType(c);
  const steps: Record<string, CelType> = {};
  for (const s of stepsWithIds(runbook)) {
    steps[(s.id as { value: string }).value] = T.object(`step ${s.id?.value}`, {
      output: stepOutputType(s, catalog),
      status: T.string,
    });
  }
  const variables: Record<string, CelType> = {
    params: T.object("params", params),
    env: T.object("env", env),
    connections: T.object("connections", connections),
    steps: T.object("steps", steps),
  };
  if (output) variables.output = output;
  return { variables, secrets };
}

/**
 * The environment of a param default written as a template: only `params.*` (the other params), so a
 * default never depends on the environment, a connection or a step; secret params are marked secret.
 */
export function paramDefaultEnv(runbook: Runbook): TypeEnv {
  const params: Record<string, CelType> = {};
  const secrets = new Set<string>();
  for (const p of runbook.params) {
    params[p.name.value] = paramType(p.type);
    if (p.type === "secret") secrets.add(`params.${p.name.value}`);
  }
  return { variables: { params: T.object("params", params) }, secrets };
}

/** What a template default of a param of this type may evaluate to (the run then checks the value's format). */
export function defaultResultTypes(type: ParamType): readonly CelType[] {
  switch (type) {
    case "int":
      return [T.int];
    case "bool":
      return [T.bool];
    case "semver":
      return [T.semver, T.string];
    case "duration":
      return [T.duration, T.string];
    default:
      return [T.string];
  }
}

/**
 * A runbook's environments for checking and compiling: the base is built once (a walk of every step), and
 * the variant with `output` for each output type shares the base's variables, so a checker asking once per
 * step stays linear in the runbook's size.
 */
export class RunbookEnvs {
  /** The environment without `output`: `runbookEnv(runbook, catalog)`. */
  readonly base: TypeEnv;
  private readonly byOutput = new Map<CelType, TypeEnv>();

  constructor(runbook: Runbook, catalog: ActionCatalog) {
    this.base = runbookEnv(runbook, catalog);
  }

  /** The environment with `output` declared as `output` (the base when undefined): one object per type. */
  withOutput(output?: CelType): TypeEnv {
    if (!output) return this.base;
    let env = this.byOutput.get(output);
    if (!env) {
      env = { ...this.base, variables: { ...this.base.variables, output } };
      this.byOutput.set(output, env);
    }
    return env;
  }

  /** How many environments were derived from the base (distinct output types asked for). */
  get derived(): number {
    return this.byOutput.size;
  }
}
