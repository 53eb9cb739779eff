// `rbx skip`: mark a step of a stopped run done without running it; who and why are journaled.

import { prepareRunbook } from "../bind/prepare.js";
import { buildProgram } from "../bind/program.js";
import { EXIT_CODES } from "../model/exit-codes.js";
import { foldEvents } from "../model/state.js";
import { readRun } from "./reopen-run.js";
import type { SessionOptions, SessionResult } from "./session-options.js";

/** `rbx skip RUN STEP --reason`: mark a step done without running it; who and why are recorded. */
export async function skipStep(
  id: string,
  step: string,
  reason: string,
  opts: SessionOptions,
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
      `error: run ${runId} is running now (pid ${active.holder.pid}); interrupt it before skipping a step`,
    );
    return { exit: EXIT_CODES.usage, runId };
  }
  const prepared = prepareRunbook(state.started.runbook.file, opts.cwd, opts.catalog);
  if (prepared.ok) {
    const keys = [...buildProgram(prepared.runbook).units.keys()];
    if (!keys.includes(step)) {
      opts.say(`error: run ${runId} has no step "${step}"; its steps are: ${keys.join(", ")}`);
      return { exit: EXIT_CODES.usage, runId };
    }
  }
  const current = state.steps.get(step)?.status;
  if (current === "succeeded" || current === "skipped") {
    opts.say(`error: step ${step} is already ${current}`);
    return { exit: EXIT_CODES.usage, runId };
  }
  const journal = await opts.store.reopen(runId, read);
  if (read.tornBytes > 0) journal.append({ type: "journal.repaired", droppedBytes: read.tornBytes });
  journal.append({ type: "step.skipped", step, reason: "operator", by: opts.user, note: reason });
  await journal.flush();
  await journal.close();
  opts.say(
    `step ${step} of run ${runId} marked done (skipped by ${opts.user}: ${reason}); \`rbx resume ${runId}\` continues`,
  );
  return { exit: 0, runId, status: state.status };
}
