// The session the run verbs drive from the CLI: the store (files or PostgreSQL), the built-in target support,
// terminal prompts, and the live view or NDJSON.

import { builtinTargets } from "../builtins/targets.js";
import { createProgress } from "../progress/create.js";
import { maxAttempts } from "../run/bind/retry-policy.js";
import type { Ask } from "../run/interpreter/approvals.js";
import type { SettleChoice } from "../run/interpreter/driver.js";
import type { RunObserver } from "../run/model/observer.js";
import { childVerbs } from "../run/sessions/child-verbs.js";
import type { ObservedRun } from "../run/sessions/run-scope.js";
import type { SessionOptions } from "../run/sessions/session-options.js";
import type { RunStore } from "../run/store/run-store.js";
import type { CliIO } from "./io.js";
import { currentUser, type StoreChoice } from "./operator.js";
import { cliCatalogResolver } from "./project-catalog.js";
import { terminalAsk } from "./terminal-ask.js";

/** Session options for the CLI: its store, terminal prompts when interactive, live progress or NDJSON. */
export function cliSession(
  io: CliIO,
  store: RunStore,
  choice: StoreChoice,
  flags: {
    stateDir?: string;
    approve?: string[];
    approveAll?: boolean;
    settle?: Map<string, SettleChoice>;
    forceUnlock?: boolean;
    acceptChanges?: boolean;
    /** `--json`: NDJSON events on stdout; the human view stays on stderr. */
    json?: boolean;
  },
  signal: AbortSignal,
  signalName: () => string,
): SessionOptions {
  // The live view of the run being watched: it must not redraw over a question the terminal asks.
  let watching: RunObserver | undefined;
  // Every open view (a child run's beside its parent's): the lines they hold back go out before anything is said.
  const views = new Set<RunObserver>();
  const say = (line: string) => {
    for (const v of views) v.flush?.();
    io.stderr.write(`${line}\n`);
  };
  const interactive = process.stdin.isTTY === true && io.stderr.isTTY === true;
  const ask = interactive ? pausing(terminalAsk(process.stdin, io.stderr), () => watching) : undefined;
  return {
    store,
    catalog: cliCatalogResolver(),
    children: childVerbs,
    targets: builtinTargets,
    ...(choice.leaseMs ? { leaseMs: choice.leaseMs } : {}),
    cwd: io.cwd,
    // Snapshot dumps go where RBX_SNAPSHOTS_DIR or `.rbx.yaml` (`snapshots:`) say, else beside the state. The
    // store URL is rbx's own: no step sees it, and its password is masked in whatever a step prints.
    env: { ...io.env, RBX_STORE: undefined, RBX_SNAPSHOTS_DIR: choice.snapshotsDir },
    ...(choice.secrets.length > 0 ? { secrets: choice.secrets } : {}),
    user: currentUser(io.env),
    approve: new Set(flags.approve ?? []),
    approveAll: flags.approveAll ?? false,
    ...(ask ? { ask } : {}),
    ...(ask
      ? {
          askInDoubt: async (step: string, why: string) => {
            const a = await ask(`${step} is in doubt: ${why}.\nDid it happen? [done/redo/halt] `, signal);
            return a?.trim() === "done" ? "done" : a?.trim() === "redo" ? "redo" : undefined;
          },
        }
      : {}),
    ...(flags.stateDir ? { stateDir: flags.stateDir } : {}),
    settle: flags.settle ?? new Map(),
    forceUnlock: flags.forceUnlock ?? false,
    acceptChanges: flags.acceptChanges ?? false,
    signal,
    signalName,
    observe: (run) => {
      const view = watchRun(io, run, flags, () => views.delete(view));
      views.add(view);
      watching = view;
      return view;
    },
    say,
  };
}

/** A prompt that pauses the live view while it waits, so the spinner does not draw over the question. */
function pausing(ask: Ask, view: () => RunObserver | undefined): Ask {
  return async (question, signal, timeoutMs) => {
    const observer = view();
    observer?.pause?.();
    try {
      return await ask(question, signal, timeoutMs);
    } finally {
      observer?.resume?.();
    }
  };
}

/** The live view (or plain lines) on stderr and, with --json, NDJSON on stdout; also tidied on a forced exit. */
function watchRun(
  io: CliIO,
  run: ObservedRun,
  flags: { stateDir?: string; json?: boolean },
  closed: () => void,
): RunObserver {
  const observer = createProgress({
    stdout: io.stdout,
    stderr: io.stderr,
    env: io.env,
    json: flags.json ?? false,
    redactor: run.redactor,
    history: run.history,
    ...(flags.stateDir ? { stateDir: flags.stateDir } : {}),
    // Only this session writes to its stderr while the run goes, and `say` flushes the view first.
    coalesce: true,
    maxAttempts: (step) => {
      const retry = run.program.units.get(step)?.step.retry;
      const n = retry ? maxAttempts(retry) : undefined;
      return n !== undefined && Number.isFinite(n) ? n : undefined;
    },
  });
  // A second Ctrl-C exits at once (process.exit): leave the terminal without a half-drawn live view.
  const onExit = () => observer.close();
  process.once("exit", onExit);
  return {
    onEvent: (e) => observer.onEvent(e),
    onProgress: (step, message) => observer.onProgress(step, message),
    onLog: (step, level, message) => observer.onLog(step, level, message),
    pause: () => observer.pause?.(),
    resume: () => observer.resume?.(),
    flush: () => observer.flush?.(),
    close: () => {
      process.off("exit", onExit);
      closed();
      observer.close();
    },
  };
}
