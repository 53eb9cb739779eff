// The verbs child runs are driven with, in one place: pass `children: childVerbs` in the session options.
import { resumeRun } from "./resume-run.js";
import { rollbackRun } from "./rollback-run.js";
import type { ChildVerbs } from "./session-options.js";
import { startRun } from "./start-run.js";

/** Start, resume and roll back: what a `run:` step and its unwinding do to a child run. */
export const childVerbs: ChildVerbs = { start: startRun, resume: resumeRun, rollback: rollbackRun };
