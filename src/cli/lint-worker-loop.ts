// A worker thread of `rbx lint` (loaded by lint-worker.ts): lints the batches of files the main thread sends.
import { parentPort } from "node:worker_threads";
import { builtinCatalog } from "../builtins/index.js";
import type { ActionCatalog } from "../contract/action.js";
import { projectCatalog } from "../project/project-catalog.js";
import { type LintAnswer, type LintJob, lintJob } from "./lint-jobs.js";

/** The catalog the main thread used for this file, built again here (the main thread checked it has no errors). */
async function catalogFor(job: LintJob): Promise<ActionCatalog> {
  if (job.configFile === undefined) return builtinCatalog;
  return (await projectCatalog({ near: job.path, configFile: job.configFile })).catalog;
}

const port = parentPort;
if (port) {
  port.on("message", async (batch: LintJob[]) => {
    const answers: LintAnswer[] = [];
    for (const job of batch) answers.push(await lintJob(job, await catalogFor(job)));
    port.postMessage(answers);
  });
}
