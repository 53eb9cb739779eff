// Inside a submitted run's pod: start the run under its given id, or — a successor pod — resume that same run.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EXIT_CODES } from "../run/model/exit-codes.js";
import { foldEvents } from "../run/model/state.js";
import { runnerOfRun } from "../run/sessions/inspect.js";
import { resumeRun } from "../run/sessions/resume-run.js";
import type { SessionOptions, SessionResult } from "../run/sessions/session-options.js";
import { startRun } from "../run/sessions/start-run.js";
import { POD_EXIT } from "./job-objects.js";
import type { PodRun } from "./pod-env.js";

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(t);
      resolve();
    });
  });

/**
 * Run the pod's part: write the runbook where it can be read, then start the run (first pod) or resume it (a
 * pod replacing one that died: its in-doubt step is settled by its probe or postcondition, never blindly
 * repeated). A run another process still drives (a pod being stopped on a lost node) is waited for until its
 * lease runs out; a run that already ended is left alone.
 */
export async function runInPod(job: PodRun, dir: string, opts: SessionOptions): Promise<SessionResult> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, job.runbookFile);
  writeFileSync(file, job.runbookText);
  const waitUntil = Date.now() + 2 * Math.max(opts.store.leaseMs, 30_000) + 30_000;
  for (;;) {
    if (!(await opts.store.list()).includes(job.runId)) {
      const params = { cli: new Map<string, string>(), file: { ...job.params, ...job.secretParams } };
      return startRun(file, params, job.planHash || undefined, { ...opts, runId: job.runId });
    }
    const read = await opts.store.read(job.runId);
    const state = foldEvents(job.runId, read.events);
    if (state.status === "completed" || state.status === "failed" || state.status === "rolled-back") {
      opts.say(`run ${job.runId} already ended ${state.status}; nothing to do`);
      return {
        exit: state.status === "completed" ? EXIT_CODES.completed : EXIT_CODES.failed,
        runId: job.runId,
        status: state.status,
      };
    }
    const moving = state.status === "running" || state.status === "rolling-back";
    if (moving && (await runnerOfRun(opts.store, state)) !== "gone" && Date.now() < waitUntil) {
      opts.say(
        `run ${job.runId} is still driven by another process (its lease is live); waiting for it to stop`,
      );
      await sleep(Math.max(opts.store.leaseMs / 3, 1_000), opts.signal);
      if (opts.signal.aborted) return { exit: EXIT_CODES.interrupted, runId: job.runId };
      continue;
    }
    opts.say(`pod ${opts.env.HOSTNAME ?? "?"} resumes run ${job.runId} (${state.status})`);
    return resumeRun(job.runId, { paramsFile: job.secretParams, file }, opts);
  }
}

/** The pod's exit code for the Job's podFailurePolicy: outcomes end the Job, anything transient is retried. */
export function podExitCode(result: { exit: number; status?: string }): number {
  if (result.status === "store-unreachable") return POD_EXIT.retry;
  switch (result.exit) {
    case EXIT_CODES.completed:
      return POD_EXIT.completed;
    case EXIT_CODES.failed:
      return POD_EXIT.failed;
    case EXIT_CODES.usage:
      return POD_EXIT.refused;
    case EXIT_CODES.halted:
      return POD_EXIT.halted;
    default:
      return result.exit;
  }
}
