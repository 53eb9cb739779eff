// `rbx lint` of many files on many cores: this thread and worker threads lint batches of files from one queue;
// few files or one core lint in this thread alone, where starting a worker (loading the linter again, warming
// its code, starting PostgreSQL's parser) would cost more than it saves.
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { ActionCatalog } from "../contract/action.js";
import { SourceFile } from "../diagnostics/source-file.js";
import type { LintResult } from "../lint/linter.js";
import { type LintAnswer, type LintJob, lintJob } from "./lint-jobs.js";

/** Files one thread must have at least for a worker to pay for its start (loading the linter, ~0.1–0.3 s). */
const FILES_PER_WORKER = 24;
/** Files sent to a worker at a time: small enough to balance a busy core, large enough to keep messages rare. */
const BATCH = 4;
/** Batches a worker holds at once: the next is already there when it answers one (this thread may be busy). */
const IN_FLIGHT = 2;

/** The worker's entry beside this module: dist/bundle/ in the bundle, dist/src/cli/ in the tsc output. */
const workerFile = fileURLToPath(new URL("./lint-worker.js", import.meta.url));

/**
 * How many workers to start for `count` files besides this thread, which lints too (one core each); 0 lints in
 * this thread alone.
 */
export function workerCount(count: number, cores = availableParallelism()): number {
  const threads = Math.min(cores, Math.floor(count / FILES_PER_WORKER));
  return threads >= 2 && existsSync(workerFile) ? threads - 1 : 0;
}

/**
 * Lint every job, in parallel when there are enough files and cores; results in the order of the jobs. In this
 * thread a job is linted with `catalogOf(job)`; a worker builds the same catalog from the job's config file.
 */
export async function lintJobs(
  jobs: readonly LintJob[],
  catalogOf: (job: LintJob) => ActionCatalog,
): Promise<LintResult[]> {
  const answers = await inPool(jobs, catalogOf, workerCount(jobs.length));
  return answers.map((a) => {
    const file = (jobs[a.index] as LintJob).file;
    const sources = new Map((a.sources ?? []).map(([name, text]) => [name, new SourceFile(name, text)]));
    // A clean file's text is not sent back: nothing prints a line of it.
    const source = sources.get(file) ?? new SourceFile(file, "");
    sources.set(file, source);
    return { file, source, diagnostics: a.diagnostics, sources };
  });
}

/**
 * This thread and `workers` worker threads take batches from one queue, each as it finishes its last one, so a
 * slow core gets less work. This thread lints one file at a time and lets the workers' answers in between.
 */
async function inPool(
  jobs: readonly LintJob[],
  catalogOf: (job: LintJob) => ActionCatalog,
  workers: number,
): Promise<LintAnswer[]> {
  const answers: LintAnswer[] = new Array(jobs.length);
  let next = 0;
  const take = (): LintJob[] => {
    const batch = jobs.slice(next, next + BATCH);
    next += batch.length;
    return batch;
  };
  const pool: Worker[] = [];
  const started = Array.from({ length: workers }, () => {
    const w = new Worker(workerFile);
    pool.push(w);
    return new Promise<void>((resolve, reject) => {
      let open = 0;
      const feed = () => {
        const batch = take();
        if (batch.length === 0) return;
        open++;
        w.postMessage(batch);
      };
      w.on("message", (batch: LintAnswer[]) => {
        for (const a of batch) answers[a.index] = a;
        open--;
        feed();
        if (open === 0) resolve();
      });
      w.on("error", reject);
      for (let i = 0; i < IN_FLIGHT; i++) feed();
      if (open === 0) resolve();
    });
  });
  // A worker that fails stops the whole lint: its files would otherwise never be answered.
  const all = Promise.all(started);
  all.catch(() => {});
  try {
    for (let batch = take(); batch.length > 0; batch = take()) {
      for (const job of batch) {
        answers[job.index] = await lintJob(job, catalogOf(job));
        if (workers > 0) await new Promise((resolve) => setImmediate(resolve));
      }
    }
    await all;
    return answers;
  } finally {
    for (const w of pool) void w.terminate();
  }
}
