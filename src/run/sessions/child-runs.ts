// A parent's child runs (`run:` steps): started under an id the parent journaled, taken up again, or rolled back,
// with the parent's locks inherited and its view paused while the child shows its own.
import type { JsonValue } from "../../contract/json.js";
import type { ChildRuns } from "../interpreter/driver.js";
import type { ChildOutcome } from "../interpreter/instructions.js";
import type { LockKey } from "../model/events.js";
import { foldEvents, type RunState } from "../model/state.js";
import { newRunId } from "../store/run-ids.js";
import type { RunScope } from "./run-scope.js";
import type { SessionOptions } from "./session-options.js";

/** The parent as its children see it. */
export interface ParentRun {
  runId: string;
  file: string;
  keys: readonly LockKey[];
  scope: RunScope;
  /** Throws when the parent no longer holds its locks (fenced, store lost): checked before the child's writes. */
  check?: () => Promise<void>;
}

/** Why a run stopped where it did, in one line (its failure, halt, or the step whose failure rolled it back). */
function whyOf(state: RunState): string | undefined {
  return (
    state.halt?.message ??
    state.failure?.message ??
    (state.rollback?.trigger
      ? `${state.rollback.trigger.step} failed: ${state.rollback.trigger.error.message}`
      : undefined) ??
    (state.interrupted ? `interrupted by ${state.interrupted.signal}` : undefined)
  );
}

/** The child runs of one parent, or undefined when the session was given no verbs to drive them with. */
export function childRunsFor(opts: SessionOptions, parent: ParentRun): ChildRuns | undefined {
  const verbs = opts.children;
  if (!verbs) return undefined;
  const files = [...(opts.parent?.files ?? []), parent.file];
  const locks = new Set([...(opts.parent?.locks ?? []), ...parent.keys.map((k) => k.key)]);
  // Every ancestor's locks are checked before a child's write, the nearest last.
  const above = opts.parent?.check;
  const own = parent.check;
  const check =
    above && own
      ? async () => {
          await above();
          await own();
        }
      : (own ?? above);

  /** The child's journal folded, or undefined when it has none (it never started). */
  const stateOf = async (runId: string): Promise<RunState | undefined> => {
    if (!(await opts.store.list()).includes(runId)) return undefined;
    const state = foldEvents(runId, (await opts.store.read(runId)).events);
    return state.started ? state : undefined;
  };

  /** Drive a verb on the child with the parent's view paused; its refusal lines are kept for the parent. */
  const drive = async (step: string, runId: string, verb: (o: SessionOptions) => Promise<unknown>) => {
    const said: string[] = [];
    const childOpts: SessionOptions = {
      ...opts,
      parent: { runId: parent.runId, step, locks, files, ...(check ? { check } : {}) },
      runId,
      say: (line) => {
        said.push(line);
        opts.say(line);
      },
    };
    parent.scope.pauseView();
    try {
      await verb(childOpts);
    } finally {
      parent.scope.resumeView();
    }
    const state = await stateOf(runId);
    if (!state?.started) {
      const reason = said
        .filter((l) => l.startsWith("error:"))
        .map((l) => l.slice(7))
        .join("; ");
      return {
        runId,
        refused: reason || "it was refused before it started (see above)",
      } satisfies ChildOutcome;
    }
    return outcome(state);
  };

  const outcome = (state: RunState): ChildOutcome => {
    const why = whyOf(state);
    return {
      runId: state.runId,
      status: state.status,
      name: state.started?.runbook.name ?? "?",
      version: state.started?.runbook.version ?? "?",
      ...(why ? { why } : {}),
    };
  };

  return {
    newRunId: () => newRunId(),
    async run(request) {
      const { step, file, runId } = request;
      if (files.includes(file))
        return { runId, refused: `${file} is already running above this run; a runbook may not run itself` };
      const known = request.fresh ? undefined : await stateOf(runId);
      if (known && ["completed", "rolled-back", "failed"].includes(known.status)) return outcome(known);
      if (known) return drive(step, runId, (o) => verbs.resume(runId, {}, o));
      const params = { cli: new Map<string, string>(), file: request.params as Record<string, JsonValue> };
      return drive(step, runId, (o) => verbs.start(file, params, undefined, o));
    },
    async unwind(runId) {
      const known = await stateOf(runId);
      if (!known) return { runId, status: "rolled-back", name: "?", version: "?", why: "it never started" };
      if (known.status === "rolled-back") return outcome(known);
      const step = known.started?.parent?.step ?? "";
      return drive(step, runId, (o) => verbs.rollback(runId, {}, o));
    },
  };
}
