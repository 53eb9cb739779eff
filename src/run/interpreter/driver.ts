// The driver: executes the interpreter's commands through the actions and records each result.

import type {
  ActionCatalog,
  ActionContext,
  ActionLogger,
  AnyAction,
  RunResources,
} from "../../contract/action.js";
import type { ResolvedConnection } from "../../contract/connection.js";
import {
  asFailure,
  boundDetails,
  fail,
  type StepFailure,
  targetUnavailable,
} from "../../contract/failure.js";
import { type JsonValue, toJsonValue } from "../../contract/json.js";
import { stepEffect } from "../../parser/step-effect.js";
import type { Evaluator } from "../bind/evaluator.js";
import type { Program, StepUnit } from "../bind/program.js";
import type { TaintRedactor } from "../bind/taint-redactor.js";
import { type EventBody, formatActor, type RunEvent } from "../model/events.js";
import { applyEvent, type RunState, type RunStatus } from "../model/state.js";
import type { RunJournal } from "../store/run-store.js";
import type { ApprovalBroker } from "./approvals.js";
import { decide } from "./decide.js";
import { type DecideProgress, START } from "./decide-context.js";
import { diagnosisSource } from "./diagnosis-source.js";
import type { AttemptOutcome, ChildOutcome, Instruction } from "./instructions.js";

/** How an in-doubt step was settled by the operator up front (`--settle STEP=done|redo`). */
export type SettleChoice = "done" | "redo";

/** Child runs, as the session that drives this run starts, takes up and rolls them back (`run:` steps). */
export interface ChildRuns {
  /** A run id for a new child, journaled by the parent before the child exists. */
  newRunId(): string;
  /** Start the child runbook as run `runId` (`fresh`), or take that run up again where it stopped. */
  run(request: {
    step: string;
    file: string;
    params: JsonValue;
    runId: string;
    fresh: boolean;
  }): Promise<ChildOutcome>;
  /** Roll the child run back (nothing to do when it already is). */
  unwind(runId: string): Promise<ChildOutcome>;
}

/** Everything the driver needs; built by the session, injected so tests can drive a run directly. */
export interface DriverOptions {
  program: Program;
  state: RunState;
  journal: RunJournal;
  evaluator: Evaluator;
  catalog: ActionCatalog;
  redactor: TaintRedactor;
  connections: ReadonlyMap<string, ResolvedConnection>;
  approvals: ApprovalBroker;
  signal: AbortSignal;
  workDir: string;
  env: Readonly<Record<string, string | undefined>>;
  resources?: RunResources;
  /** The logger of every step, when `logFor` is not given (library callers, benchmarks). */
  log?: ActionLogger;
  /** The logger of one step: its progress and log lines reach the live view tagged with the step. */
  logFor?: (stepKey: string) => ActionLogger;
  /** Operator answers for in-doubt steps given on the command line. */
  settle?: ReadonlyMap<string, SettleChoice>;
  /** Ask the operator about an in-doubt step on a TTY; undefined when there is none. */
  askInDoubt?: (step: string, why: string) => Promise<SettleChoice | undefined>;
  /** Called after every event is applied (progress output). */
  onEvent?: (event: RunEvent) => void;
  /** Called before the journal is flushed: the view writes the lines it holds before the store waits. */
  beforeFlush?: () => void;
  /** Where the interruption came from, recorded in the journal. */
  signalName?: () => string;
  /**
   * Called immediately before every write action starts: throws (StoreFencedError) when this process no longer
   * holds the run's locks, so nothing more is changed. Its error ends `run()` with nothing recorded.
   */
  beforeWrite?: () => Promise<void>;
  /** Runs `run:` steps' child runbooks; without it such a step fails. */
  children?: ChildRuns;
}

/** Drives one run until it stops; returns the status reached. */
export class Driver {
  /** How far the flow is known done; each decision returns the next one. */
  private progress: DecideProgress = START;

  constructor(private readonly o: DriverOptions) {}

  /** Append events: journaled redacted, applied to the state as they are. */
  record(events: readonly EventBody[]): void {
    const { journal, redactor, state, onEvent } = this.o;
    for (const e of events) {
      const masked = redactor.redactJson(e as unknown as JsonValue) as unknown as EventBody;
      const stored = journal.append(masked);
      // Nothing was masked: the stored event is the live one (no copy per event).
      const live =
        masked === e ? stored : ({ ...e, seq: stored.seq, at: stored.at, prev: stored.prev } as RunEvent);
      applyEvent(state, live);
      onEvent?.(stored);
    }
  }

  private async flush(): Promise<void> {
    this.o.beforeFlush?.();
    const r = this.o.journal.flush();
    if (r) await r;
  }

  /** Start a flush: undefined once it is done (a store that writes synchronously), else its promise. */
  private flushing(): Promise<void> | undefined {
    this.o.beforeFlush?.();
    try {
      return this.o.journal.flush() ?? undefined;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Run the loop to a stop; every event is durable when it returns. Rejects (StoreFencedError,
   * StoreUnavailableError) when the journal cannot be appended to or the locks were lost: nothing more ran.
   */
  async run(): Promise<RunStatus> {
    const { state, signal } = this.o;
    for (;;) {
      if (signal.aborted && state.status !== "interrupted" && !isTerminal(state.status)) {
        this.record([{ type: "run.interrupted", signal: this.signalName() }]);
      }
      const { instruction, progress } = decide({
        program: this.o.program,
        state,
        evaluator: this.o.evaluator,
        catalog: this.o.catalog,
        now: Date.now(),
        progress: this.progress,
      });
      this.progress = progress;
      if (instruction.kind === "stop") break;
      await this.execute(instruction);
    }
    await this.flush();
    return state.status;
  }

  private signalName(): string {
    return this.o.signalName?.() ?? "SIGINT";
  }

  private async execute(cmd: Exclude<Instruction, { kind: "stop" }>): Promise<void> {
    switch (cmd.kind) {
      case "record":
        this.record(cmd.events);
        return;
      case "sleep":
        await this.flush();
        await sleep(cmd.ms, this.o.signal);
        return;
      case "attempt":
        return this.attempt(cmd);
      case "verify": {
        await this.flush();
        const verify = cmd.unit.step.verify;
        const action = verify?.action ? this.o.catalog.find(verify.action.value) : undefined;
        const outcome = action
          ? await this.invoke(action, cmd.unit, cmd.args, cmd.timeoutMs)
          : { ok: false as const, failure: fail.invalidInput("verify: no action") };
        if (this.interrupted(cmd.unit)) return;
        this.record(cmd.settle(outcome));
        return;
      }
      case "probe": {
        await this.flush();
        const action = this.o.catalog.find(cmd.unit.action);
        let events: EventBody[];
        const { ctx, seal } = this.context(cmd.unit, this.o.signal);
        try {
          const r = await action?.probe?.(ctx, cmd.args, cmd.before);
          events = cmd.settle(r ?? { state: "unknown", reason: "no probe" });
        } catch (err) {
          events = cmd.settle({ state: "unknown", reason: this.o.redactor.redact(asFailure(err).message) });
        } finally {
          seal();
        }
        if (this.interrupted(cmd.unit)) return;
        this.record(events);
        return;
      }
      case "approve":
        return this.askApproval(cmd);
      case "ask-in-doubt":
        return this.askInDoubt(cmd.unit, cmd.why);
      case "child":
        return this.child(cmd);
      case "unwind":
        return this.unwind(cmd);
    }
  }

  /** A `run:` step: journal the link to the child run, then run (or take up) the child to where it stops. */
  private async child(cmd: Extract<Instruction, { kind: "child" }>): Promise<void> {
    const { unit } = cmd;
    const children = this.o.children;
    this.record([
      {
        type: "step.started",
        step: unit.key,
        phase: unit.phase,
        action: unit.action,
        effect: "write",
        attempt: cmd.attempt,
        args: cmd.params,
      },
    ]);
    if (!children) {
      this.record(cmd.settle({ runId: "", refused: "this session cannot run child runbooks" }));
      return;
    }
    const runId = cmd.existing ?? children.newRunId();
    if (!cmd.existing) this.record([{ type: "child.started", step: unit.key, runId, file: cmd.file }]);
    await this.flush();
    const outcome = await children.run({
      step: unit.key,
      file: cmd.file,
      params: cmd.params,
      runId,
      fresh: cmd.existing === undefined,
    });
    if (this.interrupted(unit)) return;
    this.record(cmd.settle(outcome));
  }

  /** Roll back the child run of a `run:` step, as its phase's rollback. */
  private async unwind(cmd: Extract<Instruction, { kind: "unwind" }>): Promise<void> {
    const { unit } = cmd;
    this.record([
      {
        type: "step.started",
        step: unit.key,
        phase: unit.phase,
        action: unit.action,
        effect: "write",
        attempt: 1,
        args: { runId: cmd.runId },
      },
    ]);
    await this.flush();
    const outcome = this.o.children
      ? await this.o.children.unwind(cmd.runId)
      : { runId: cmd.runId, refused: "this session cannot roll back child runs" };
    if (this.interrupted(unit)) return;
    this.record(cmd.settle(outcome));
  }

  private interrupted(unit: StepUnit): boolean {
    if (!this.o.signal.aborted) return false;
    this.record([{ type: "run.interrupted", step: unit.key, signal: this.signalName() }]);
    return true;
  }

  /** The approval gate: ask through the run's approval sources; an interruption while asking is journaled as such. */
  private async askApproval(cmd: Extract<Instruction, { kind: "approve" }>): Promise<void> {
    await this.flush();
    const answer = await this.o.approvals.request({
      step: cmd.unit.key,
      prompt: this.o.redactor.redact(cmd.prompt),
      signal: this.o.signal,
      ...(cmd.timeoutMs !== undefined ? { timeoutMs: cmd.timeoutMs } : {}),
      ...(cmd.input ? { input: cmd.input } : {}),
    });
    if (!answer.approved && answer.reason === "pending" && this.interrupted(cmd.unit)) return;
    this.record(cmd.settle(answer));
  }

  private async askInDoubt(unit: StepUnit, why: string): Promise<void> {
    await this.flush();
    const choice = this.o.settle?.get(unit.key) ?? (await this.o.askInDoubt?.(unit.key, why));
    const by = "operator";
    if (choice === "done") {
      this.record([
        { type: "step.probed", step: unit.key, result: "done", reason: `${by} said it is done` },
        {
          type: "step.succeeded",
          step: unit.key,
          attempt: this.o.state.steps.get(unit.key)?.attempt ?? 1,
          output: null,
          settledBy: "operator",
        },
      ]);
    } else if (choice === "redo") {
      this.record([
        { type: "step.probed", step: unit.key, result: "not-done", reason: `${by} said it did not happen` },
      ]);
    } else {
      this.record([
        {
          type: "run.halted",
          reason: "in-doubt",
          step: unit.key,
          // The ways out (settle done or redo, roll back) are the recovery choices' to give, with their options.
          message: `${unit.key} was started but never recorded as finished, and ${why}: check the target to tell whether it happened`,
        },
      ]);
    }
  }

  private async attempt(cmd: Extract<Instruction, { kind: "attempt" }>): Promise<void> {
    const { unit } = cmd;
    const action = this.o.catalog.find(unit.action) as AnyAction;
    let before: JsonValue | undefined;
    const effect = stepEffect(unit.step, action);
    if (effect === "write" && action.before) {
      const { ctx, seal } = this.context(unit, this.o.signal);
      try {
        before = (await action.before(ctx, cmd.args)) ?? null;
      } catch (err) {
        const f = asFailure(err, this.o.signal);
        if (this.interrupted(unit)) return;
        this.record(cmd.settle({ ok: false, failure: f }, Date.now()));
        return;
      } finally {
        seal();
      }
    }
    // A credential written in the step itself (a header, a URL's password) is masked before its args are journaled.
    try {
      for (const v of action.credentials?.(cmd.args, this.o.connections) ?? []) this.o.redactor.addSecret(v);
    } catch (err) {
      // A project's action whose `credentials` throws: the step fails before anything is journaled with its args.
      const f = fail.fatal(`${unit.action} could not name its credentials: ${asFailure(err).message}`, err);
      this.record(cmd.settle({ ok: false, failure: redacted(f, this.o.redactor) }, Date.now()));
      return;
    }
    if (effect === "write") await this.o.beforeWrite?.();
    this.record([
      {
        type: "step.started",
        step: unit.key,
        phase: unit.phase,
        action: unit.action,
        effect,
        attempt: cmd.attempt,
        args: cmd.args,
        ...(before !== undefined ? { before } : {}),
      },
    ]);
    // A write starts only once its start is durable (a crash leaves it in doubt, to be probed). A read is safe
    // to repeat, so its start is written while it runs; it still lands before the read's outcome.
    const started = this.flushing();
    started?.catch(() => {});
    if (effect === "write" && started) await started;
    const outcome = await this.invoke(action, unit, cmd.args, cmd.timeoutMs);
    if (started) await started;
    if (this.interrupted(unit)) return;
    const events = cmd.settle(outcome, Date.now());
    await this.diagnose(unit, cmd.args, events);
    if (this.interrupted(unit)) return;
    this.record(events);
  }

  /**
   * A step that finally failed: add what its target looks like now (pods, restarts, waiting reasons, the failing
   * containers' last log lines) to its error, from the step's own action or, for a step that waits on what an
   * earlier one changed (a migration wait, a readiness check), from the nearest earlier step that can tell.
   */
  private async diagnose(unit: StepUnit, args: JsonValue, events: EventBody[]): Promise<void> {
    const failed = events.find(
      (e): e is Extract<EventBody, { type: "step.failed" }> =>
        e.type === "step.failed" && e.step === unit.key,
    );
    if (!failed) return;
    const source = diagnosisSource(
      this.o.program,
      this.o.state,
      this.o.catalog,
      unit,
      this.o.evaluator,
      args,
    );
    // The target itself did not answer: asking it again for its pods would only wait longer.
    if (!source || (source.unit === unit && targetUnavailable(failed.error))) return;
    const { ctx, seal } = this.context(unit, this.o.signal);
    ctx.log.progress(`looking for the cause: reading the target of ${source.unit.key}`);
    try {
      const found = await abortable(
        Promise.race([
          source.action.diagnose?.(ctx, source.args) ?? Promise.resolve(undefined),
          new Promise<undefined>((r) => setTimeout(() => r(undefined), DIAGNOSE_MS).unref()),
        ]),
        this.o.signal,
      );
      if (!found || found.pods.every((p) => p.ready && p.restarts === 0)) return;
      const details = boundDetails({ ...(failed.error.details ?? {}), diagnosis: found });
      failed.error = { ...failed.error, ...(details ? { details } : {}) };
    } catch {
      // A diagnosis is best effort: the failure stands as it is.
    } finally {
      seal();
    }
  }

  /** Run an action once with the run's signal and the attempt's timeout; never throws. */
  private async invoke(
    action: AnyAction,
    unit: StepUnit,
    args: JsonValue,
    timeoutMs?: number,
  ): Promise<AttemptOutcome> {
    const controller = new AbortController();
    const onAbort = () => controller.abort(fail.aborted());
    if (this.o.signal.aborted) onAbort();
    else this.o.signal.addEventListener("abort", onAbort, { once: true });
    const timer =
      timeoutMs !== undefined
        ? setTimeout(
            () => controller.abort(fail.timeout(`${unit.key} did not finish within ${timeoutMs} ms`)),
            timeoutMs,
          )
        : undefined;
    const { ctx, seal } = this.context(unit, controller.signal);
    try {
      const output = await abortable(action.run(ctx, args), controller.signal);
      return { ok: true, output: journalable(unit.action, output) };
    } catch (err) {
      return { ok: false, failure: redacted(asFailure(err, controller.signal), this.o.redactor) };
    } finally {
      // An action cut off by a timeout or an interruption may still be running: nothing it says from now on
      // reaches the view, so no line of a finished step prints after it ended.
      seal();
      if (timer) clearTimeout(timer);
      this.o.signal.removeEventListener("abort", onAbort);
    }
  }

  /** The context of one call into an action; `seal` silences its logger once the call is over. */
  private context(unit: StepUnit, signal: AbortSignal): { ctx: ActionContext; seal: () => void } {
    let open = true;
    const base = this.o.logFor?.(unit.key) ?? this.o.log ?? silentLogger;
    const log: ActionLogger = {
      info: (m) => open && base.info(m),
      warn: (m) => open && base.warn(m),
      progress: (m) => open && base.progress(m),
    };
    const ctx: ActionContext = {
      signal,
      log,
      redactor: this.o.redactor,
      connections: this.o.connections,
      runId: this.o.state.runId,
      stepId: unit.key,
      workDir: this.o.workDir,
      env: this.o.env,
    };
    const approvals = this.o.state.approvals.get(unit.key);
    const last = approvals?.at(-1);
    if (approvals && last) {
      const names = approvals.map((r) => (r.actor ? formatActor(r.actor) : r.by));
      const value = approvals.findLast((r) => r.value !== undefined)?.value;
      ctx.approval = {
        by: last.by,
        via: last.via,
        at: last.at,
        approvers: [...new Set(names)],
        ...(value !== undefined ? { value } : {}),
      };
    }
    if (this.o.resources) ctx.resources = this.o.resources;
    return {
      ctx,
      seal: () => {
        open = false;
      },
    };
  }
}

const silentLogger: ActionLogger = { info() {}, warn() {}, progress() {} };

/** How long the cause of a failure may take to collect. */
const DIAGNOSE_MS = 20_000;

/** A failure whose message passes through the run's redactor (an action's own message may quote a secret). */
function redacted(f: StepFailure, redactor: TaintRedactor): StepFailure {
  return f.withMessage(redactor.redact(f.message));
}

/** An action's output as the journal keeps it; one that is not plain data (a cycle) fails the step. */
function journalable(action: string, output: unknown): JsonValue {
  try {
    return toJsonValue(output);
  } catch (err) {
    throw fail.fatal(`${action} returned an output that is not plain data (${asFailure(err).message})`, err);
  }
}

function isTerminal(status: RunStatus): boolean {
  return status === "completed" || status === "rolled-back" || status === "failed" || status === "halted";
}

/** Settle with the promise, or reject as soon as the signal aborts (an action that ignores it is cut off). */
function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    // The action was cut off before it began: its own rejection (it saw the abort too) is expected.
    p.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

/** Wait, waking early when the run is interrupted. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
