// The catalog of built-in actions. Definitions import nothing heavy at top level; `run` loads what it needs.
import type { ActionDefinition } from "../runtime/action.js";
import { approve } from "./approve.js";
import { exec } from "./exec.js";
import { helmActions } from "./helm/index.js";
import { httpActions } from "./http/index.js";
import { kubectlActions } from "./kubectl/index.js";
import { snapshotActions } from "./snapshot/index.js";
import { sqlActions } from "./sql/index.js";

// biome-ignore lint/suspicious/noExplicitAny: a heterogeneous list of definitions; each keeps its own types where defined.
export type AnyAction = ActionDefinition<any, any>;

/** Every built-in, in the order the docs list them. Add new definitions here. */
export const actions: readonly AnyAction[] = [
  ...sqlActions,
  ...httpActions,
  ...snapshotActions,
  ...helmActions,
  ...kubectlActions,
  exec,
  approve,
];

const byName = new Map(actions.map((a) => [a.name, a]));

/** The definition of an action by its name (`helm.upgrade`), or undefined. */
export function findAction(name: string): AnyAction | undefined {
  return byName.get(name);
}

/** All action names, for "did you mean" suggestions and the schema. */
export function actionNames(): string[] {
  return [...byName.keys()];
}
