// Binding a runbook for a verb: prepare the document, check params, resolve connections, lock keys and plan.

import type { ActionCatalog } from "../../contract/action.js";
import type { JsonValue } from "../../contract/json.js";
import type { LockKey } from "../model/events.js";
import { type BoundRun, bindRun } from "./bind-run.js";
import { lockKeysFor } from "./lock-keys.js";
import { resolveParams } from "./params.js";
import { buildPlan, type RunPlan } from "./plan.js";
import { type Prepared, prepareRunbook } from "./prepare.js";

/** What binding needs from the caller: the environment, the catalog, and where to say what is wrong. */
export interface BindOptions {
  env: Readonly<Record<string, string | undefined>>;
  catalog: ActionCatalog;
  say: (line: string) => void;
}

/** A runbook checked and bound to its params: what a verb runs, plans and locks. */
export interface Bound {
  /** The catalog the document was checked and bound with; the driver runs its actions from it. */
  catalog: ActionCatalog;
  prepared: Extract<Prepared, { ok: true }>;
  bound: BoundRun;
  keys: LockKey[];
  plan: RunPlan;
}

/** Check the prepared document and its params and bind them; problems are said, and the result is undefined. */
export function bindDocument(
  prepared: Prepared,
  paramSources: {
    cli: ReadonlyMap<string, string>;
    file?: Record<string, unknown>;
    recorded?: Record<string, JsonValue>;
  },
  opts: BindOptions,
): Bound | undefined {
  if (!prepared.ok) {
    opts.say(prepared.message.trimEnd());
    return undefined;
  }
  if (prepared.warnings) opts.say(prepared.warnings.trimEnd());
  const { runbook } = prepared;
  const params = resolveParams(runbook, { ...paramSources, env: opts.env });
  if (params.problems.length > 0) {
    for (const p of params.problems) opts.say(`error: ${p}`);
    return undefined;
  }
  const bound = bindRun(runbook, params.values, params.secrets, opts.env, opts.catalog);
  if (bound.problems.length > 0) {
    for (const p of bound.problems) opts.say(`error: ${p}`);
    return undefined;
  }
  const keys = lockKeysFor(bound.program, bound.connections, opts.catalog);
  const identity = {
    name: runbook.metadata.name.value,
    version: runbook.metadata.version.value,
    file: prepared.file,
    contentHash: prepared.contentHash,
  };
  const plan = buildPlan(
    bound,
    opts.catalog,
    identity,
    keys.map((k) => k.label),
  );
  return { catalog: opts.catalog, prepared, bound, keys, plan };
}

/** Plan a runbook without side effects. */
export function planRunbook(
  file: string,
  params: { cli: ReadonlyMap<string, string>; file?: Record<string, unknown> },
  opts: BindOptions & { cwd: string },
): RunPlan | undefined {
  return bindDocument(prepareRunbook(file, opts.cwd, opts.catalog), params, opts)?.plan;
}
