// What lives exactly as long as one run/resume/rollback: the observer that shows it and the resources its steps share.

import type { ActionLogger } from "../../contract/action.js";
import type { Program } from "../bind/program.js";
import type { TaintRedactor } from "../bind/taint-redactor.js";
import type { DriverOptions } from "../interpreter/driver.js";
import type { RunEvent } from "../model/events.js";
import type { RunObserver } from "../model/observer.js";
import { createRunResources } from "./run-resources.js";
import { stepLogger } from "./step-logger.js";

/** What an observer factory learns about the run it will watch, once the runbook is bound. */
export interface ObservedRun {
  runId: string;
  program: Program;
  /** The run's redactor: progress and log lines are masked with it before any view sees them. */
  redactor: TaintRedactor;
  /** Events journaled before this process took the run over (empty for a new run). */
  history: readonly RunEvent[];
}

/** Builds the view of a run (live terminal, plain lines, NDJSON); the CLI passes one, tests may not. */
export type ObserveRun = (run: ObservedRun) => RunObserver;

/** The caller's hooks a scope combines with its own. */
export interface ScopeHooks {
  observe?: ObserveRun;
  onEvent?: (event: RunEvent) => void;
  log?: ActionLogger;
  say: (line: string) => void;
}

/** One verb's run scope: what the driver is given, and `end` for the verb's finally block. */
export interface RunScope {
  /** True when an observer shows the run (it then prints the recovery commands after a halt). */
  readonly observed: boolean;
  /** Driver options the scope provides: shared resources, per-step loggers, the event hook. */
  readonly driver: Pick<DriverOptions, "resources" | "logFor" | "log" | "onEvent" | "beforeFlush">;
  /** Close the view and release the shared resources; never throws, so the run's result is kept. */
  end(): Promise<void>;
  /** Stop drawing while a child run shows its own view, and draw again after. */
  pauseView(): void;
  resumeView(): void;
}

/** Open the scope of one run; the caller must `await scope.end()` in a finally block. */
export function openRunScope(run: ObservedRun, hooks: ScopeHooks): RunScope {
  const resources = createRunResources();
  const observer = hooks.observe?.(run);
  const onEvent = (event: RunEvent) => {
    hooks.onEvent?.(event);
    observer?.onEvent(event);
  };
  let ended = false;
  return {
    observed: observer !== undefined,
    pauseView: () => observer?.pause?.(),
    resumeView: () => observer?.resume?.(),
    driver: {
      resources,
      onEvent,
      ...(observer ? { logFor: (step: string) => stepLogger(observer, step, run.redactor) } : {}),
      // Lines a view holds back go out before the journal waits on its store, not after the next action starts.
      ...(observer?.flush ? { beforeFlush: () => observer.flush?.() } : {}),
      ...(hooks.log ? { log: hooks.log } : {}),
    },
    async end() {
      if (ended) return;
      ended = true;
      try {
        observer?.close();
      } catch {
        // A broken view must not keep the resources open or change the run's result.
      }
      for (const error of await resources.disposeAll()) {
        hooks.say(`warning: could not release a resource of the run: ${run.redactor.redact(error.message)}`);
      }
    },
  };
}
