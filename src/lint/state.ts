// Whether a runbook holds state rbx can see: a database (a postgres connection, sql or snapshot steps) or a volume.
import type { Runbook } from "../parser/ast.js";
import { kindName } from "./values.js";
import type { StepSite } from "./visitor.js";

/** What state a runbook holds, as far as its connections and steps show. */
export interface RunbookState {
  /** A postgres connection, or a sql.* / snapshot.* step. */
  database: boolean;
  /** A kubectl step on a PersistentVolumeClaim. */
  volume: boolean;
}

/** The state a runbook holds, from its connections and every step (phases, rollbacks, checks). */
export function runbookState(runbook: Runbook, sites: readonly StepSite[]): RunbookState {
  const actions = sites.map((s) => s.step.action?.value ?? "");
  return {
    database:
      runbook.connections.some((c) => c.kind === "postgres") ||
      actions.some((a) => a.startsWith("sql.") || a.startsWith("snapshot.")),
    volume: sites.some(
      (s) => s.step.action?.value.startsWith("kubectl.") && kindName(s.step) === "persistentvolumeclaim",
    ),
  };
}
