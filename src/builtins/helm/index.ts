// The helm family.
import { helmHistory } from "./history.js";
import { helmList } from "./list.js";
import { helmPreview } from "./preview.js";
import { helmRollback } from "./rollback.js";
import { helmStatus } from "./status.js";
import { helmUninstall } from "./uninstall.js";
import { helmUpgrade } from "./upgrade.js";
import { helmValues } from "./values.js";

/** helm.upgrade, helm.rollback, helm.uninstall, helm.history, helm.status, helm.list, helm.values, helm.preview. */
export const helmActions = [
  helmUpgrade,
  helmRollback,
  helmUninstall,
  helmHistory,
  helmStatus,
  helmList,
  helmValues,
  helmPreview,
] as const;
