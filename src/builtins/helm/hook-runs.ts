// The hooks a release revision ran (helm records each with its last run's phase), as typed rows a runbook
// can assert on, e.g. that every pre-upgrade migration Job succeeded.
import { T } from "../../contract/cel-types.js";

/** One hook as helm's release JSON records it (`hooks[]`). */
export interface HookJson {
  name?: string;
  kind?: string;
  events?: string[];
  weight?: number;
  last_run?: { started_at?: string; completed_at?: string; phase?: string };
}

/** One hook of the revision: its kind and name, the events it runs on, and how its last run ended. */
export interface HookRun {
  name: string;
  kind: string;
  events: string[];
  weight: number;
  /** helm's phase: Succeeded, Failed, Running or Unknown ("" when it never ran). */
  phase: string;
  startedAt: string;
  completedAt: string;
}

/** The CEL type of a hook row. */
export const hookRunType = T.object("helm.hookRun", {
  name: T.string,
  kind: T.string,
  events: T.list(T.string),
  weight: T.int,
  phase: T.string,
  startedAt: T.string,
  completedAt: T.string,
});

// helm writes Go's zero time for a hook that never ran.
function time(value: string | undefined): string {
  return !value || value.startsWith("0001-01-01") ? "" : value;
}

/** Typed rows of a release's `hooks`, in helm's order (by weight). */
export function hookRuns(hooks: readonly HookJson[] | undefined): HookRun[] {
  return (hooks ?? []).map((h) => ({
    name: h.name ?? "",
    kind: h.kind ?? "",
    events: h.events ?? [],
    weight: Number(h.weight ?? 0),
    phase: h.last_run?.phase ?? "",
    startedAt: time(h.last_run?.started_at),
    completedAt: time(h.last_run?.completed_at),
  }));
}
