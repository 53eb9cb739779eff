// The catalog of built-in actions. Definitions import nothing heavy at top level; `run` loads what it needs.
import { type ActionCatalog, type AnyAction, catalogOf } from "../contract/action.js";
import { approve } from "./approve.js";
import { dotenvSet } from "./dotenv.js";
import { exec } from "./exec.js";
import { helmActions } from "./helm/index.js";
import { httpActions } from "./http/index.js";
import { kubectlActions } from "./kubectl/index.js";
import { snapshotActions } from "./snapshot/index.js";
import { sqlActions } from "./sql/index.js";

/** Every built-in, in the order the docs list them. Add new definitions here. */
export const actions: readonly AnyAction[] = [
  ...sqlActions,
  ...httpActions,
  ...snapshotActions,
  ...helmActions,
  ...kubectlActions,
  exec,
  dotenvSet,
  approve,
];

/** The built-in catalog; its schema is the committed schema/runbook.schema.json, precompiled at build time. */
export const builtinCatalog: ActionCatalog = { ...catalogOf(actions), committedSchema: true };
