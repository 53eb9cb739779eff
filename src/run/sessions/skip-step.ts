// `rbx skip`: mark a step of a stopped run done without running it; who and why are journaled.

import type { ActionCatalog } from "../../contract/action.js";
import { prepareText } from "../bind/prepare.js";
import { buildProgram, type Program } from "../bind/program.js";
import { EXIT_CODES } from "../model/exit-codes.js";
import { rbxCommand, safetyCheck } from "../model/recovery-choices.js";
import { foldEvents, type RunState } from "../model/state.js";
import { sessionActor } from "./drive-session.js";
import { readRun } from "./reopen-run.js";
import { runDocument } from "./run-document.js";
import { catalogFor } from "./session-catalog.js";
import type { SessionOptions, SessionResult } from "./session-options.js";

/** How far a skip may go: `overrideCheck` (`--override-check`) passes a safety check; nothing passes an approval. */
export interface SkipOptions {
  overrideCheck?: boolean;
}

/** `rbx skip RUN STEP --reason`: mark a step done without running it; who and why are recorded. */
export async function skipStep(
  id: string,
  step: string,
  reason: string,
  opts: SessionOptions,
  skip: SkipOptions = {},
): Promise<SessionResult> {
  const found = await readRun(id, opts);
  if (!("read" in found)) return found;
  const { runId, read } = found;
  const state = foldEvents(runId, read.events);
  if (!state.started) return { exit: EXIT_CODES.usage, runId };
  if (state.status === "completed" || state.status === "rolled-back" || state.status === "failed") {
    opts.say(`error: run ${runId} is ${state.status}; there is nothing left to skip`);
    return { exit: EXIT_CODES.usage, runId, status: state.status };
  }
  const active = (await opts.store.holders(state.started.locks)).find(
    (c) => c.holder.runId === runId && c.alive === true,
  );
  if (active && active.holder.pid !== process.pid) {
    opts.say(
      `error: run ${runId} is running now (pid ${active.holder.pid} on ${active.holder.host}); interrupt it before skipping a step`,
    );
    return { exit: EXIT_CODES.usage, runId };
  }
  const catalog = await catalogFor(opts, state.started.runbook.file);
  if (!catalog) return { exit: EXIT_CODES.usage, runId };
  const program = await runProgram(state, opts, catalog);
  if (typeof program === "string") {
    opts.say(
      `error: cannot check step ${step} against the runbook of run ${runId}: ${program}. ` +
        "A skip is refused when rbx cannot tell whether the step is an approval or a safety check.",
    );
    return { exit: EXIT_CODES.usage, runId };
  }
  const unit = program.units.get(step);
  if (!unit) {
    opts.say(
      `error: run ${runId} has no step "${step}"; its steps are: ${[...program.units.keys()].join(", ")}`,
    );
    return { exit: EXIT_CODES.usage, runId };
  }
  const current = state.steps.get(step)?.status;
  if (current === "succeeded" || current === "skipped") {
    opts.say(`error: step ${step} is already ${current}`);
    return { exit: EXIT_CODES.usage, runId };
  }
  const cmd = (...words: string[]) => `\`${rbxCommand(words, opts.stateDir)}\``;
  const action = catalog.find(unit.action);
  // An approval is given only by a person approving: no flag turns a skip into one.
  if ((action?.requiresApproval || action?.approvalRequest) && !state.approvals.has(step)) {
    opts.say(
      `error: ${step} waits for a person's approval, and an approval is given only by approving — it cannot be skipped. ` +
        `${cmd("approve", runId, step)} or ${cmd("resume", runId, "--approve", step)} approves it as you (recorded); ${cmd("rollback", runId)} declines and unwinds.`,
    );
    return { exit: EXIT_CODES.usage, runId };
  }
  const overrode = safetyCheck(state, step, action?.effect);
  if (overrode && !skip.overrideCheck) {
    const what =
      overrode === "guard"
        ? `${step} did not run because its guard does not hold (${state.halt?.message ?? "guard failed"}); a guard is a safety check`
        : `${step} is a safety check: ${unit.action} only reads, before any rollback boundary was entered — a pre-check or a baseline the upgrade depends on`;
    opts.say(
      `error: ${what}. Make what it checks true and ${cmd("resume", runId)} (it is checked again), or ${cmd("rollback", runId)}. ` +
        "If you verified it yourself and accept the risk, add --override-check: the override is recorded with your name and reason" +
        (unit.outputId ? `, and later steps that read steps.${unit.outputId}.output find none.` : "."),
    );
    return { exit: EXIT_CODES.usage, runId };
  }
  const actor = await sessionActor(opts);
  const journal = await opts.store.reopen(runId, read);
  if (read.tornBytes > 0) journal.append({ type: "journal.repaired", droppedBytes: read.tornBytes });
  journal.append({
    type: "step.skipped",
    step,
    reason: "operator",
    by: actor.user,
    actor,
    note: reason,
    ...(overrode ? { overrode } : {}),
  });
  await journal.flush();
  await journal.close();
  opts.say(
    `step ${step} of run ${runId} marked done (skipped by ${actor.user}${overrode ? `, overriding a safety check` : ""}: ${reason}); ${cmd("resume", runId)} continues`,
  );
  return { exit: 0, runId, status: state.status };
}

/** The run's document: the runbook file as it is now, else the copy the store kept when the run started. */
async function runProgram(
  state: RunState,
  opts: SessionOptions,
  catalog: ActionCatalog,
): Promise<Program | string> {
  const started = state.started;
  if (!started) return "the journal has no start event";
  const { prepared, kept } = await runDocument(state.runId, started, undefined, { ...opts, catalog });
  if (prepared.ok) return buildProgram(prepared.runbook);
  if (kept !== undefined) {
    const copy = prepareText(started.runbook.file, kept, catalog);
    if (copy.ok) return buildProgram(copy.runbook);
  }
  return prepared.message.trim();
}
