// One answer to "what now?": the recovery choices of a run, for the live hint, `rbx status` and the report.
import type { RunState, StepState } from "./state.js";

/** What a choice does: continue, approve, answer an in-doubt step, mark a step done, or unwind. */
export type RecoveryVerb = "resume" | "approve" | "settle" | "skip" | "rollback";

/** One way out of a stopped run, with the exact command to paste. */
export interface RecoveryChoice {
  verb: RecoveryVerb;
  /** Every word shell-quoted, with the options the run needs (`--state-dir`, `--approve`, `--settle`). */
  command: string;
  /** What it does, in a sentence. */
  explains: string;
}

/**
 * Whether a process still runs a run whose journal stops mid-run: `alive` (no choices: it is running),
 * `gone` (it crashed), `unknown` (rbx cannot tell: another host, or a journal read without its locks).
 */
export type Runner = "alive" | "gone" | "unknown";

/** What the choices depend on besides the journal. */
export interface RecoveryOptions {
  /** `--state-dir` as the operator gave it: every command repeats it. */
  stateDir?: string;
  /** For a run the journal shows running or rolling back; `unknown` when not given. */
  runner?: Runner;
}

/** Quote a word for a POSIX shell only when it needs it, so commands can be pasted as shown. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9._\-/=:@+,]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** An rbx command line: `rbx WORDS… [--state-dir DIR] [TAIL…]`, each word quoted for a shell. */
export function rbxCommand(
  words: readonly string[],
  stateDir?: string,
  tail: readonly string[] = [],
): string {
  return ["rbx", ...words, ...(stateDir ? ["--state-dir", stateDir] : []), ...tail].map(shellWord).join(" ");
}

/** The boundaries an unwinding would undo now, newest first: an open rollback's, else every one entered. */
export function boundariesToUnwind(state: RunState): string[] {
  if (state.status === "rolled-back") return [];
  if (state.rollback && !state.rollback.done) return [...state.rollback.boundaries];
  if (state.rollback?.done) return [];
  return [...state.boundaries].reverse();
}

/** True while an unwinding has started and not finished: every way forward continues it. */
export function rollbackOpen(state: RunState): boolean {
  return state.rollback !== undefined && !state.rollback.done;
}

/** The step a stopped run stands at: where it halted, the step interrupted, or the one left running. */
export function stoppedStep(state: RunState): string | undefined {
  if (state.halt) return state.halt.step;
  if (state.interrupted) return state.interrupted.step;
  const last = state.lastStep ? state.steps.get(state.lastStep) : undefined;
  return last?.status === "running" ? last.key : undefined;
}

/** The recovery choices for the run as its journal stands; empty when it needs nothing from the operator. */
export function recoveryChoices(state: RunState, options: RecoveryOptions = {}): RecoveryChoice[] {
  // Without its start event a run has no runbook or params to continue from: `rbx resume` refuses it.
  if (!state.started) return [];
  const cmd = (words: string[], tail: string[] = []) => rbxCommand(words, options.stateDir, tail);
  const run = state.runId;
  const unwind = boundariesToUnwind(state);
  const open = rollbackOpen(state);
  const list = unwind.join(", ");
  const rollback = (): RecoveryChoice[] =>
    unwind.length === 0 || open
      ? []
      : [
          {
            verb: "rollback",
            command: cmd(["rollback", run]),
            explains: `unwind ${list} (newest first) by their rollback steps, then verify`,
          },
        ];
  const andContinue = open ? `continue the rollback of ${list}` : "continue the run";
  switch (state.status) {
    case "completed":
      return unwind.length === 0
        ? []
        : [
            {
              verb: "rollback",
              command: cmd(["rollback", run]),
              explains: `undo the run: unwind ${list} (newest first) by their rollback steps, then verify`,
            },
          ];
    case "rolled-back":
    case "failed":
      return [];
    case "halted":
      return [...haltedChoices(state, cmd, andContinue), ...rollback()];
    case "interrupted":
    case "running":
    case "rolling-back": {
      const runner = state.status === "interrupted" ? "gone" : (options.runner ?? "unknown");
      if (runner === "alive") return [];
      const step = stoppedStep(state);
      const settled = step ? inFlight(state.steps.get(step)) : "";
      const ifGone = runner === "unknown" ? "if its process is gone (crashed): " : "";
      const resume: RecoveryChoice = {
        verb: "resume",
        command: cmd(["resume", run]),
        explains: `${ifGone}${andContinue}${settled ? `; ${settled}` : ""}`,
      };
      return [resume, ...rollback().map((c) => ({ ...c, explains: `${ifGone}${c.explains}` }))];
    }
  }
}

type Cmd = (words: string[], tail?: string[]) => string;

function haltedChoices(state: RunState, cmd: Cmd, andContinue: string): RecoveryChoice[] {
  const run = state.runId;
  const halt = state.halt;
  const step = halt?.step;
  if (!halt || !step) return [{ verb: "resume", command: cmd(["resume", run]), explains: andContinue }];
  switch (halt.reason) {
    case "waiting-for-approval": {
      // An approval is given only by approving: never a skip past the person it asks.
      const asks = state.steps.get(step)?.asks;
      const given = asks && asks.default === undefined ? `${step}=VALUE` : step;
      const value = given === step ? "" : ` with its VALUE (matching ${asks?.pattern})`;
      return [
        {
          verb: "approve",
          command: cmd(["resume", run, "--approve", given]),
          explains: `approve ${step}${value} yourself (your name is recorded), then ${andContinue}`,
        },
        {
          verb: "approve",
          command: cmd(["approve", run, given]),
          explains: `record your approval of ${step}${value} from any machine sharing the store (a step may need several people, or someone other than who started the run); then resume`,
        },
      ];
    }
    case "in-doubt":
      return [
        {
          verb: "settle",
          command: cmd(["resume", run, "--settle", `${step}=done`]),
          explains: `${step} did happen: record it as done (your name is recorded), then ${andContinue}`,
        },
        {
          verb: "settle",
          command: cmd(["resume", run, "--settle", `${step}=redo`]),
          explains: `${step} did not happen: run it again, then ${andContinue}`,
        },
      ];
    case "child-stopped":
      // The child keeps its own journal and lock; resuming the parent takes the child up where it stopped.
      return [
        {
          verb: "resume",
          command: cmd(["resume", run]),
          explains: `take the child run of ${step} up where it stopped (\`rbx status\` of the child says why), then ${andContinue}`,
        },
      ];
    case "guard-failed":
      // A guard is a safety check: it is made to hold, not skipped around.
      return [
        {
          verb: "resume",
          command: cmd(["resume", run]),
          explains: `make what the guard of ${step} checks true, then resume: the guard is checked again before ${step} runs`,
        },
      ];
    default: {
      const again: RecoveryChoice = {
        verb: "resume",
        command: cmd(["resume", run]),
        explains: `fix the cause, then run ${step} again and ${andContinue}${rollbackOpen(state) ? "" : " (fix forward)"}`,
      };
      return [again, ...skipChoice(state, step, cmd, andContinue)];
    }
  }
}

/**
 * Why marking `step` done would pass a safety check, or undefined when a skip is an ordinary recovery path:
 * `guard` when the run halted because the step's guard does not hold; `check` for a step that only reads
 * (or whose effect is unknown) and stands before any rollback boundary was entered — a pre-check or a
 * baseline read (licence, versions, health, revisions to return to), which the change itself depends on.
 * After a boundary, a read is a wait or a verification of the change, and marking it done after doing or
 * checking it by hand is the "skip" path of the migration documents.
 */
export function safetyCheck(
  state: RunState,
  step: string,
  effect?: "read" | "write",
): "guard" | "check" | undefined {
  if (state.halt?.reason === "guard-failed" && state.halt.step === step) return "guard";
  const known = state.steps.get(step)?.effect ?? effect;
  if (known !== "write" && state.boundaries.length === 0) return "check";
  return undefined;
}

/** Skip is offered where a person can do the step by hand; never for an approval or a safety check. */
function skipChoice(state: RunState, step: string, cmd: Cmd, andContinue: string): RecoveryChoice[] {
  const st = state.steps.get(step);
  if (st?.status === "succeeded" || st?.status === "skipped" || safetyCheck(state, step)) return [];
  const byHand =
    st?.effect !== "write"
      ? "you checked it yourself"
      : rollbackOpen(state)
        ? "you undid it by hand"
        : "you did it by hand";
  return [
    {
      verb: "skip",
      command: cmd(["skip", state.runId, step], ["--reason", "<why it is already done>"]),
      explains: `mark ${step} done without running it (${byHand}; your name and the reason are recorded), then resume to ${andContinue}`,
    },
  ];
}

/** What resume does first with a step left running: a write is settled by its probe, a read runs again. */
function inFlight(st: StepState | undefined): string {
  if (st?.status !== "running") return "";
  if (st.effect === "write")
    return `${st.key} was started but never recorded as finished, so resume first asks its probe (or its verify: postcondition) whether it happened: done is recorded, not done runs it again, and when nothing can tell you are asked`;
  return `${st.key} was interrupted; it only reads, so it runs again`;
}
