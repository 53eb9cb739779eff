// The helm family.
import { helmHistory } from "./history.js";
import { helmList } from "./list.js";
import { helmRollback } from "./rollback.js";
import { helmStatus } from "./status.js";
import { helmUpgrade } from "./upgrade.js";
import { helmValues } from "./values.js";

/** helm.upgrade, helm.rollback, helm.history, helm.status, helm.list, helm.values. */
export const helmActions = [
  helmUpgrade,
  helmRollback,
  helmHistory,
  helmStatus,
  helmList,
  helmValues,
] as const;
