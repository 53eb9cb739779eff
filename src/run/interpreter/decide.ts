// The run loop's brain: from the state the journal reached, the next command. It never does I/O.

import type { AnyAction } from "../../contract/action.js";
import { boundDetails, type FailureRecord } from "../../contract/failure.js";
import type { JsonValue } from "../../contract/json.js";
import type { EvalScope } from "../bind/evaluator.js";
import { explainFalse } from "../bind/explain-condition.js";
import type { FlowUnit, StepUnit } from "../bind/program.js";
import { maxAttempts, retryDelay } from "../bind/retry-policy.js";
import {
  attemptTimeout,
  resolveDurations,
  type StepDurations,
  shownDuration,
} from "../bind/step-durations.js";
import type { EventBody } from "../model/events.js";
import { approvalRefusal, approvalStanding, ONE_APPROVER, starterOf, stillNeeded } from "./approval-rule.js";
import { decideChild, decideUnwind } from "./child-steps.js";
import { type DecideContext, type DecideProgress, evalArgs } from "./decide-context.js";
import { settleInDoubt } from "./in-doubt.js";
import type { AttemptOutcome, Instruction } from "./instructions.js";
import { lastOutputOf } from "./last-output.js";
import { headline, unreachableHalt } from "./unreachable.js";

const TERMINAL = new Set(["completed", "rolled-back", "failed", "halted", "interrupted"]);

/** The next instruction, and how far the flow is now known done (for the next decision). */
export interface Decision {
  instruction: Instruction;
  progress: DecideProgress;
}

/** The next thing to do. */
export function decide(ctx: DecideContext): Decision {
  if (TERMINAL.has(ctx.state.status)) return { instruction: { kind: "stop" }, progress: ctx.progress };
  if (ctx.state.rollback) return decideRollback(ctx);
  return decideMain(ctx);
}

const record = (...events: EventBody[]): Instruction => ({ kind: "record", events });

function unitDone(u: FlowUnit, ctx: DecideContext): boolean {
  const { state } = ctx;
  switch (u.kind) {
    case "guards":
      return state.guardsPassed;
    case "enter":
      return state.entered.includes(u.phase.id.value);
    case "exit":
      return state.completed.has(u.phase.id.value);
    case "step":
      return stepDone(ctx, u.unit);
  }
}

/** A step is done when it succeeded or was skipped — but an operator's skip never stands in for an approval. */
function stepDone(ctx: DecideContext, unit: StepUnit): boolean {
  const s = ctx.state.steps.get(unit.key)?.status;
  return s === "succeeded" || (s === "skipped" && !skipBypassesApproval(ctx, unit));
}

/**
 * `rbx skip` refuses a step that waits for an approval; a journal that records such a skip anyway (written
 * before that refusal, or by hand) still gets the gate: the approval is asked for before the run goes on.
 */
function skipBypassesApproval(ctx: DecideContext, unit: StepUnit): boolean {
  const st = ctx.state.steps.get(unit.key);
  if (st?.status !== "skipped" || st.skipped?.reason !== "operator" || ctx.state.approvals.has(unit.key))
    return false;
  const action = ctx.catalog.find(unit.action);
  return Boolean(action?.requiresApproval || action?.approvalRequest);
}

function decideMain(ctx: DecideContext): Decision {
  const { flow } = ctx.program;
  let i = ctx.progress.cursor;
  while (i < flow.length && unitDone(flow[i] as FlowUnit, ctx)) i++;
  const progress: DecideProgress = { ...ctx.progress, cursor: i };
  return { instruction: mainUnit(ctx, flow[i]), progress };
}

function mainUnit(ctx: DecideContext, u: FlowUnit | undefined): Instruction {
  if (!u) return record({ type: "run.completed" });
  switch (u.kind) {
    case "guards":
      return runbookGuards(ctx);
    case "enter":
      return record({
        type: "phase.entered",
        phase: u.phase.id.value,
        boundary: ctx.program.rollbacks.has(u.phase.id.value),
      });
    case "exit":
      return record({ type: "phase.completed", phase: u.phase.id.value });
    case "step":
      return decideStep(ctx, u.unit);
  }
}

function runbookGuards(ctx: DecideContext): Instruction {
  const scope: EvalScope = { state: ctx.state };
  for (const [index, g] of ctx.program.runbook.guards.entries()) {
    const r = ctx.evaluator.condition(g.that, scope);
    if (r.ok && r.value) continue;
    const message = r.ok
      ? g.message
        ? ctx.evaluator.message(g.message, scope)
        : `guard failed: ${g.that.text}`
      : r.message;
    return record(
      { type: "guard.failed", index, expression: g.that.text, message },
      { type: "run.failed", reason: "guards", message: `${message} (runbook guard; nothing was changed)` },
    );
  }
  return record({ type: "guards.passed" });
}

function decideRollback(ctx: DecideContext): Decision {
  const rb = ctx.state.rollback;
  if (!rb) return { instruction: { kind: "stop" }, progress: ctx.progress };
  if (rb.done) return { instruction: record({ type: "run.rolled-back" }), progress: ctx.progress };
  const known = ctx.progress.rollback;
  let { b, u, checks } = known?.of === rb ? known : { b: 0, u: 0, checks: 0 };
  const at = () => ({ ...ctx.progress, rollback: { of: rb, b, u, checks } });
  for (; b < rb.boundaries.length; b++, u = 0) {
    const units = ctx.program.rollbacks.get(rb.boundaries[b] as string) ?? [];
    for (; u < units.length; u++) {
      const unit = units[u] as StepUnit;
      if (!stepDone(ctx, unit)) return { instruction: decideStep(ctx, unit), progress: at() };
      if (ctx.state.steps.get(unit.key)?.status === "succeeded" && unit.suite) checks++;
    }
  }
  return {
    instruction: record({ type: "rollback.completed", boundaries: rb.boundaries, verified: checks > 0 }),
    progress: at(),
  };
}

const failure = (kind: FailureRecord["kind"], message: string, retryable = false): FailureRecord => ({
  kind,
  message,
  retryable,
});

const clip = (text: string, max = 200) => (text.length > max ? `${text.slice(0, max)}…` : text);

const stepFailed = (unit: StepUnit, attempt: number, error: FailureRecord): Instruction =>
  record({ type: "step.failed", step: unit.key, attempt, error });

/** Decide for one step unit (main flow or rollback). */
export function decideStep(ctx: DecideContext, unit: StepUnit): Instruction {
  const { state, evaluator } = ctx;
  const st = state.steps.get(unit.key);
  // A skip that would pass an approval gate counts for nothing until the approval is given.
  const status = skipBypassesApproval(ctx, unit) ? "pending" : (st?.status ?? "pending");
  if (status === "failed") return afterFailure(ctx, unit, st?.error ?? failure("action-error", "failed"));
  // A child run settles itself: its journal says how far it got, so the parent takes it up again.
  if (status === "in-doubt" && unit.run) return decideChild(ctx, unit, st?.attempt ?? 1);
  if (status === "in-doubt") return settleInDoubt(ctx, unit);
  if (status !== "pending") return { kind: "stop" };
  if (unit.unwind) return decideUnwind(ctx, unit);
  const scope: EvalScope = { state };
  const attempt = (st?.attempt ?? 0) + 1;
  if (attempt === 1) {
    for (const w of unit.whens) {
      const r = evaluator.condition(w, scope);
      if (!r.ok) return stepFailed(unit, 0, failure("expression", `when: ${r.message}`));
      if (!r.value)
        return record({
          type: "step.skipped",
          step: unit.key,
          reason: "when",
          condition: explainFalse(w, state, ctx.program),
        });
    }
    for (const [index, g] of unit.guards.entries()) {
      const r = evaluator.condition(g.that, scope);
      if (r.ok && r.value) continue;
      const message = r.ok
        ? g.message
          ? evaluator.message(g.message, scope)
          : `guard failed: ${g.that.text}`
        : r.message;
      if (unit.rollback) return stepFailed(unit, 0, failure("expression", `guard: ${message}`));
      return record(
        { type: "guard.failed", step: unit.key, index, expression: g.that.text, message },
        { type: "run.halted", reason: "guard-failed", step: unit.key, message: `${unit.key}: ${message}` },
      );
    }
  } else if (st?.lastFailedAt !== undefined && st.retryInMs !== undefined) {
    const wait = st.lastFailedAt + st.retryInMs - ctx.now;
    if (wait > 0) return { kind: "sleep", step: unit.key, ms: wait };
  }
  if (unit.run) return decideChild(ctx, unit, attempt);
  const action = ctx.catalog.find(unit.action);
  if (!action) return stepFailed(unit, 0, failure("invalid-input", `unknown action "${unit.action}"`));
  const args = evalArgs(evaluator, unit.step.with, scope);
  if (!args.ok) return stepFailed(unit, attempt - 1, failure("expression", `with: ${args.message}`));
  if (action.requiresApproval || action.approvalRequest) {
    const gate = approvalGate(ctx, unit, action, args.value, attempt);
    if (gate) return gate;
  }
  const durations = resolveDurations(unit.step, evaluator, scope);
  if (!durations.ok) return stepFailed(unit, attempt - 1, failure("expression", durations.message));
  const d = durations.value;
  const timeoutMs = attemptTimeout(d, st?.firstAttemptAt, ctx.now);
  if (timeoutMs !== undefined && timeoutMs <= 0) {
    return stepFailed(
      unit,
      attempt - 1,
      failure(
        "timeout",
        `retry timeout of ${shownDuration(unit.step.retry?.timeout?.text, d.retryTimeout)} reached`,
      ),
    );
  }
  return {
    kind: "attempt",
    unit,
    attempt,
    args: args.value,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    settle: (outcome, now) => settleAttempt(ctx, unit, attempt, outcome, now, d),
  };
}

/**
 * A step that needs a person's approval waits at a gate before it runs until enough distinct people approved it
 * (one by default; `approvers: { min, notStarter }` asks for more, or for someone other than the run's starter):
 * the driver asks (flags, terminal) and the answer is recorded here; nothing else (a skip, a retry) ever lets the
 * step run without them. Undefined: the step has its approvals.
 */
function approvalGate(
  ctx: DecideContext,
  unit: StepUnit,
  action: AnyAction,
  args: JsonValue,
  attempt: number,
): Instruction | undefined {
  let asked: ReturnType<NonNullable<AnyAction["approvalRequest"]>> | undefined;
  try {
    asked = action.approvalRequest?.(args);
  } catch (err) {
    // A project's action whose approvalRequest throws fails its step; the run never crashes on it.
    const message = err instanceof Error ? err.message : String(err);
    return stepFailed(
      unit,
      attempt - 1,
      failure("action-error", `${unit.action} could not say what to approve: ${message}`),
    );
  }
  const ask = asked ?? { prompt: `${unit.key} runs ${unit.action}, which needs a person's approval.` };
  const rule = ask.approvers ?? ONE_APPROVER;
  const standing = approvalStanding(ctx.state, unit.key, rule);
  if (standing.missing === 0) return undefined;
  const waiting = (why: string, said?: string): EventBody[] => [
    {
      type: "approval.requested",
      step: unit.key,
      prompt: ask.prompt,
      ...(ask.input ? { input: ask.input } : {}),
    },
    {
      type: "run.halted",
      reason: "waiting-for-approval",
      step: unit.key,
      message: `waiting for approval of ${unit.key}${why}: ${said ? `${said}. ` : ""}${ask.prompt}`,
    },
  ];
  const needed = () => ` (${stillNeeded(rule, standing, starterOf(ctx.state))})`;
  return {
    kind: "approve",
    unit,
    prompt: ask.prompt,
    ...(ask.timeoutMs !== undefined ? { timeoutMs: ask.timeoutMs } : {}),
    ...(ask.input ? { input: ask.input } : {}),
    settle: (answer) => {
      if (answer.approved) {
        const actor = answer.actor ?? { user: answer.by, host: "?" };
        const refused = approvalRefusal(ctx.state, unit.key, rule, actor);
        if (refused) return waiting(` — ${refused}`);
        return [
          {
            type: "approval.granted",
            step: unit.key,
            by: answer.by,
            via: answer.via,
            ...(answer.actor ? { actor: answer.actor } : {}),
            ...(answer.value !== undefined ? { value: answer.value } : {}),
          },
        ];
      }
      if (answer.reason === "denied") {
        const who = answer.by ?? "the operator";
        const error = failure("approval-denied", `${who} declined ${unit.key}: ${ask.prompt}`);
        return [{ type: "step.failed", step: unit.key, attempt, error }];
      }
      return waiting(rule.min > 1 || rule.notStarter ? needed() : "", answer.message);
    },
  };
}

function settleAttempt(
  ctx: DecideContext,
  unit: StepUnit,
  attempt: number,
  outcome: AttemptOutcome,
  now: number,
  durations: StepDurations,
): EventBody[] {
  if (!outcome.ok) {
    const f = outcome.failure;
    if (f.kind === "aborted") return [];
    if (f.kind === "approval-pending") {
      return [
        { type: "approval.requested", step: unit.key, prompt: f.message },
        { type: "run.halted", reason: "waiting-for-approval", step: unit.key, message: f.message },
      ];
    }
    return attemptFailed(ctx, unit, attempt, f.toRecord(), [], now, durations);
  }
  // Already plain data: the driver made it so (and failed the step when it could not be).
  const output = outcome.output;
  const scope: EvalScope = { state: ctx.state, output: { value: output, action: unit.action } };
  const until = unit.step.retry?.until;
  if (until) {
    const r = ctx.evaluator.condition(until, scope);
    if (!r.ok || !r.value) {
      // The values the condition reads from the output (the pending migrations...), so a halt shows why.
      const last = lastOutputOf(until.text, output);
      const seen = Object.entries(last)
        .map(([k, v]) => `${k} = ${clip(JSON.stringify(v))}`)
        .join(", ");
      const error = r.ok
        ? failure("until-not-met", `until \`${until.text}\` does not hold${seen ? ` (${seen})` : ""}`, true)
        : failure("expression", `until \`${until.text}\` cannot be evaluated: ${r.message}`, true);
      const details = Object.keys(last).length > 0 ? boundDetails({ lastOutput: last }) : undefined;
      if (details) error.details = details;
      return attemptFailed(ctx, unit, attempt, error, [], now, durations);
    }
  }
  const events: EventBody[] = [];
  const messages: string[] = [];
  for (const a of unit.step.expect) {
    const r = ctx.evaluator.condition(a.that, scope);
    if (r.ok && r.value) continue;
    // An expression that cannot be evaluated (a missing key...) is the runbook's error, not a failed assertion.
    if (!r.ok) {
      const error = failure(
        "expression",
        `expect \`${a.that.text}\` cannot be evaluated: ${r.message}`,
        true,
      );
      return attemptFailed(ctx, unit, attempt, error, events, now, durations);
    }
    const message = a.message ? ctx.evaluator.message(a.message, scope) : `expected ${a.that.text}`;
    messages.push(message);
    events.push({ type: "assertion.failed", step: unit.key, attempt, expression: a.that.text, message });
  }
  if (messages.length > 0) {
    return attemptFailed(
      ctx,
      unit,
      attempt,
      failure("assertion", messages.join("; "), true),
      events,
      now,
      durations,
    );
  }
  events.push({ type: "step.succeeded", step: unit.key, attempt, output });
  return events;
}

function attemptFailed(
  ctx: DecideContext,
  unit: StepUnit,
  attempt: number,
  error: FailureRecord,
  events: EventBody[],
  now: number,
  durations: StepDurations,
): EventBody[] {
  const retry = unit.step.retry;
  const delay = retryDelay(retry, durations, attempt);
  const first = ctx.state.steps.get(unit.key)?.firstAttemptAt ?? now;
  const overall = durations.retryTimeout;
  const withinDeadline = overall === undefined || now - first + delay < overall;
  if (error.retryable && attempt < maxAttempts(retry) && withinDeadline) {
    events.push({ type: "step.attempt-failed", step: unit.key, attempt, error, retryInMs: delay });
    return events;
  }
  const final =
    attempt > 1 ? { ...error, message: `${error.message} (gave up after ${attempt} attempts)` } : error;
  events.push({ type: "step.failed", step: unit.key, attempt, error: final });
  return events;
}

function afterFailure(ctx: DecideContext, unit: StepUnit, error: FailureRecord): Instruction {
  const { state, program } = ctx;
  if (unit.rollback) {
    return record({
      type: "run.halted",
      reason: "rollback-failed",
      step: unit.key,
      message: `rollback step ${unit.key} failed: ${headline(error.message)}`,
    });
  }
  if (unit.policy === "halt") {
    return record({
      type: "run.halted",
      reason: "step-failed",
      step: unit.key,
      message: `${unit.key} failed: ${headline(error.message)}`,
    });
  }
  const boundaries = state.entered.filter((p) => program.rollbacks.has(p)).reverse();
  if (boundaries.length === 0) {
    return record({
      type: "run.failed",
      reason: "step-failed",
      message: `${unit.key} failed: ${headline(error.message)}; no rollback boundary was entered, so nothing was undone`,
    });
  }
  const halt = unreachableHalt(ctx, unit, error, boundaries);
  if (halt) return record(halt);
  return record({
    type: "rollback.started",
    reason: "failure",
    boundaries,
    trigger: { step: unit.key, error },
  });
}
