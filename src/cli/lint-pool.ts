// `rbx lint` of many files on many cores: worker threads lint batches of files; few files or one core lint in
// this thread, where starting a worker (loading the linter again) would cost more than it saves.
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { ActionCatalog } from "../contract/action.js";
import { SourceFile } from "../diagnostics/source-file.js";
import type { LintResult } from "../lint/linter.js";
import { type LintAnswer, type LintJob, lintJob } from "./lint-jobs.js";

/** Files one worker must have at least for it to pay for its start (loading the linter, ~0.1 s). */
const FILES_PER_WORKER = 24;
/** Files sent to a worker at a time: small enough to balance a busy core, large enough to keep messages rare. */
const BATCH = 4;

/** The worker's entry beside this module: dist/bundle/ in the bundle, dist/src/cli/ in the tsc output. */
const workerFile = fileURLToPath(new URL("./lint-worker.js", import.meta.url));

/** How many workers to start for `count` files; 0 lints in this thread. */
export function workerCount(count: number, cores = availableParallelism()): number {
  const n = Math.min(cores, Math.floor(count / FILES_PER_WORKER));
  return n >= 2 && existsSync(workerFile) ? n : 0;
}

/**
 * Lint every job, in parallel when there are enough files and cores; results in the order of the jobs. In this
 * thread a job is linted with `catalogOf(job)`; a worker builds the same catalog from the job's config file.
 */
export async function lintJobs(
  jobs: readonly LintJob[],
  catalogOf: (job: LintJob) => ActionCatalog,
): Promise<LintResult[]> {
  const workers = workerCount(jobs.length);
  const answers = workers === 0 ? await inThread(jobs, catalogOf) : await inWorkers(jobs, workers);
  return answers.map((a) => {
    const file = (jobs[a.index] as LintJob).file;
    return { file, source: new SourceFile(file, a.text), diagnostics: a.diagnostics };
  });
}

async function inThread(
  jobs: readonly LintJob[],
  catalogOf: (job: LintJob) => ActionCatalog,
): Promise<LintAnswer[]> {
  const out: LintAnswer[] = [];
  for (const job of jobs) out.push(await lintJob(job, catalogOf(job)));
  return out;
}

/** Hand out batches to `count` workers as each finishes its last one, so a slow core gets less work. */
function inWorkers(jobs: readonly LintJob[], count: number): Promise<LintAnswer[]> {
  const answers: LintAnswer[] = new Array(jobs.length);
  let next = 0;
  let done = 0;
  return new Promise((resolve, reject) => {
    const pool: Worker[] = [];
    const stop = () => {
      for (const w of pool) void w.terminate();
    };
    const feed = (w: Worker) => {
      if (next >= jobs.length) return;
      w.postMessage(jobs.slice(next, next + BATCH));
      next += BATCH;
    };
    for (let i = 0; i < count; i++) {
      const w = new Worker(workerFile);
      pool.push(w);
      w.on("message", (batch: LintAnswer[]) => {
        for (const a of batch) answers[a.index] = a;
        done += batch.length;
        if (done === jobs.length) {
          stop();
          resolve(answers);
        } else feed(w);
      });
      w.on("error", (err) => {
        stop();
        reject(err);
      });
      feed(w);
    }
  });
}
