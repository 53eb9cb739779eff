// A worker thread of `rbx lint`: lints the batches of files the main thread sends, one answer per file.
import { readFile } from "node:fs/promises";
import { parentPort } from "node:worker_threads";
import { builtinCatalog } from "../builtins/index.js";
import type { ActionCatalog } from "../contract/action.js";
import { lintSource } from "../lint/linter.js";
import { projectCatalog } from "../project/project-catalog.js";
import type { LintAnswer, LintJob } from "./lint-jobs.js";

/** The catalog the main thread used for this file, built again here (the main thread checked it has no errors). */
async function catalogFor(job: LintJob): Promise<ActionCatalog> {
  if (job.configFile === undefined) return builtinCatalog;
  return (await projectCatalog({ near: job.path, configFile: job.configFile })).catalog;
}

const port = parentPort;
if (port) {
  port.on("message", async (batch: LintJob[]) => {
    const answers: LintAnswer[] = [];
    for (const job of batch) {
      const text = await readFile(job.path, "utf8");
      const result = await lintSource(job.file, text, { catalog: await catalogFor(job), config: job.config });
      answers.push({ index: job.index, text, diagnostics: result.diagnostics });
    }
    port.postMessage(answers);
  });
}
