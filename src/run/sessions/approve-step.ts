// `rbx approve RUN STEP[=VALUE]`: approve a step of a stopped run from any machine sharing the store; who is journaled.
import type { ApprovalInput, ApproverRule } from "../../contract/approval.js";
import { buildProgram, type StepUnit } from "../bind/program.js";
import {
  approvalRefusal,
  approvalStanding,
  ONE_APPROVER,
  starterOf,
  stillNeeded,
} from "../interpreter/approval-rule.js";
import { valueFits } from "../interpreter/approvals.js";
import { formatActor } from "../model/events.js";
import { EXIT_CODES } from "../model/exit-codes.js";
import { foldEvents } from "../model/state.js";
import { sessionActor } from "./drive-session.js";
import { readRun } from "./reopen-run.js";
import { runDocument } from "./run-document.js";
import { catalogFor } from "./session-catalog.js";
import type { SessionOptions, SessionResult } from "./session-options.js";

/** The step's `with.approvers`, as written (a computed value counts as the default: one approver). */
function approverRule(unit: StepUnit): ApproverRule {
  const node = unit.step.with?.entries.find((e) => e.key.value === "approvers")?.value;
  if (node?.kind !== "map") return ONE_APPROVER;
  const field = (name: string) => node.entries.find((e) => e.key.value === name)?.value;
  const min = field("min");
  const notStarter = field("notStarter");
  return {
    min: min?.kind === "number" ? min.value : 1,
    notStarter: notStarter?.kind === "bool" ? notStarter.value : false,
  };
}

/** The step's `with.input` when written literally: the approval then carries a value matching its pattern. */
function approvalInput(unit: StepUnit): ApprovalInput | undefined {
  const node = unit.step.with?.entries.find((e) => e.key.value === "input")?.value;
  if (node?.kind !== "map") return undefined;
  const text = (name: string) => {
    const v = node.entries.find((e) => e.key.value === name)?.value;
    return v?.kind === "string" ? v.value : undefined;
  };
  const pattern = text("pattern");
  if (pattern === undefined) return undefined;
  const description = text("description");
  const fallback = text("default");
  return {
    pattern,
    ...(description !== undefined ? { description } : {}),
    ...(fallback !== undefined ? { default: fallback } : {}),
  };
}

/** The value an approval of `unit` carries (`STEP=VALUE`, else the default), or why it cannot be given. */
function approvalValue(unit: StepUnit, given: string | undefined): { value?: string } | { refused: string } {
  const input = approvalInput(unit);
  if (!input)
    return given === undefined ? {} : { refused: `step ${unit.key} takes no value: give it as ${unit.key}` };
  const value = given ?? input.default;
  const what = input.description ? `${input.description}, ` : "";
  if (value === undefined)
    return {
      refused: `${unit.key} needs a value (${what}matching ${input.pattern}): give it as ${unit.key}=VALUE`,
    };
  if (!valueFits(input, value))
    return { refused: `${unit.key}=${value} was refused: the value must match ${input.pattern}` };
  return { value };
}

/**
 * `rbx approve RUN STEP[=VALUE]`: record an approval of a halted run's step (with its value, for an approval
 * that asks for one); `rbx resume RUN` then continues.
 */
export async function approveStep(id: string, stepArg: string, opts: SessionOptions): Promise<SessionResult> {
  const eq = stepArg.indexOf("=");
  const step = eq >= 0 ? stepArg.slice(0, eq) : stepArg;
  const given = eq >= 0 ? stepArg.slice(eq + 1) : undefined;
  const found = await readRun(id, opts, "error: refusing to approve in a journal that does not verify");
  if (!("read" in found)) return found;
  const { runId, read } = found;
  const state = foldEvents(runId, read.events);
  if (!state.started) return { exit: EXIT_CODES.usage, runId };
  if (state.status === "completed" || state.status === "rolled-back" || state.status === "failed") {
    opts.say(`error: run ${runId} is ${state.status}; there is nothing left to approve`);
    return { exit: EXIT_CODES.usage, runId, status: state.status };
  }
  const active = (await opts.store.holders(state.started.locks)).find(
    (c) => c.holder.runId === runId && c.alive === true && c.holder.pid !== process.pid,
  );
  if (active) {
    opts.say(
      `error: run ${runId} is running now (pid ${active.holder.pid} on ${active.holder.host}): approve on its ` +
        "terminal, or let it halt waiting for approval and approve it here",
    );
    return { exit: EXIT_CODES.usage, runId };
  }
  const catalog = await catalogFor(opts, state.started.runbook.file);
  if (!catalog) return { exit: EXIT_CODES.usage, runId };
  const { prepared, path } = await runDocument(runId, state.started, undefined, { ...opts, catalog });
  if (!prepared.ok) {
    opts.say(`error: cannot read the runbook of run ${runId} (${path}) to check step ${step}`);
    opts.say(prepared.message.trimEnd());
    return { exit: EXIT_CODES.usage, runId };
  }
  const program = buildProgram(prepared.runbook);
  const unit = program.units.get(step);
  const action = unit ? catalog.find(unit.action) : undefined;
  if (!unit || !(action?.requiresApproval || action?.approvalRequest)) {
    const gated = [...program.units.values()]
      .filter((u) => {
        const a = catalog.find(u.action);
        return a?.requiresApproval || a?.approvalRequest;
      })
      .map((u) => u.key);
    opts.say(
      `error: run ${runId} has no step "${step}" that waits for approval; ` +
        (gated.length > 0 ? `its approval steps are: ${gated.join(", ")}` : "it has no approval steps"),
    );
    return { exit: EXIT_CODES.usage, runId };
  }
  const current = state.steps.get(step)?.status;
  if (current === "succeeded" || current === "skipped") {
    opts.say(`error: step ${step} is already ${current}`);
    return { exit: EXIT_CODES.usage, runId };
  }
  const valued = approvalValue(unit, given);
  if ("refused" in valued) {
    opts.say(`error: ${valued.refused}`);
    return { exit: EXIT_CODES.usage, runId, status: state.status };
  }
  const value = valued.value !== undefined ? { value: valued.value } : {};
  const rule = approverRule(unit);
  const actor = await sessionActor(opts);
  const refused = approvalRefusal(state, step, rule, actor);
  if (refused) {
    opts.say(`error: ${refused}`);
    return { exit: EXIT_CODES.usage, runId, status: state.status };
  }
  const journal = await opts.store.reopen(runId, read);
  if (read.tornBytes > 0) journal.append({ type: "journal.repaired", droppedBytes: read.tornBytes });
  const event = journal.append({
    type: "approval.granted",
    step,
    by: actor.user,
    via: "approve",
    actor,
    ...value,
  });
  await journal.flush();
  await journal.close();
  state.approvals.set(step, [
    ...(state.approvals.get(step) ?? []),
    { by: actor.user, via: "approve", at: event.at, actor, ...value },
  ]);
  const standing = approvalStanding(state, step, rule);
  opts.say(
    standing.missing > 0
      ? `step ${step} of run ${runId} approved by ${formatActor(actor)}; it ${stillNeeded(rule, standing, starterOf(state))}`
      : `step ${step} of run ${runId} approved by ${formatActor(actor)}; \`rbx resume ${runId}\` continues (from any machine sharing ${opts.store.location})`,
  );
  return { exit: 0, runId, status: state.status };
}
