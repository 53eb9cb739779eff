// The command table: names and one-line summaries load nothing; each command's module loads only when run.
import type { CliIO } from "./io.js";

/** What every command module exports. `argv` excludes the command name; the result is the exit code. */
export interface CommandModule {
  run(argv: string[], io: CliIO): Promise<number>;
  /** Full usage text shown by `rbx help NAME` and `rbx NAME --help`. */
  usage: string;
}

export interface CommandEntry {
  name: string;
  summary: string;
  load: () => Promise<CommandModule>;
  /** The command holds a whole run (runbook, journal, state): its heap is kept close to what is live (heap-policy.ts). */
  holdsRun?: true;
  /**
   * V8's optimizing compilers start off (heap-policy.ts): "always" for a command that only reads the run (one
   * pass, no steps run), "until-bound" for one that loads the runbook, then runs steps (continue-run.ts).
   */
  compilersOff?: "always" | "until-bound";
  /** The command reads its files in one go and ends: V8's young generation grows at once (heap-policy.ts). */
  readsAtOnce?: true;
}

/** Every command rbx has, in the order `rbx --help` lists them. */
export const commands: readonly CommandEntry[] = [
  {
    name: "validate",
    summary: "check runbooks against the rbx/v1 schema and types",
    load: () => import("./commands/validate.js"),
    readsAtOnce: true,
  },
  { name: "schema", summary: "print the runbook JSON Schema", load: () => import("./commands/schema.js") },
  {
    name: "plan",
    summary: "show what a run would do, step by step, with its rollback posture and plan hash",
    load: () => import("./commands/plan.js"),
  },
  {
    name: "run",
    summary: "run a runbook with locks and a crash-safe journal",
    load: () => import("./commands/run.js"),
    holdsRun: true,
  },
  {
    name: "submit",
    summary: "run a runbook as a Kubernetes Job; a pod that dies is replaced and resumes the same run",
    load: () => import("./commands/submit.js"),
  },
  {
    name: "status",
    summary: "where a run stands, what a rollback would run, the recovery choices (--follow: live)",
    load: () => import("./commands/status.js"),
    holdsRun: true,
    compilersOff: "always",
  },
  {
    name: "runs",
    summary: "list runs with the state each reached (--watch: every run's events live)",
    load: () => import("./commands/runs.js"),
  },
  {
    name: "resume",
    summary: "continue a halted, interrupted or crashed run from its journal",
    load: () => import("./commands/resume.js"),
    holdsRun: true,
    compilersOff: "until-bound",
  },
  {
    name: "approve",
    summary: "approve a halted run's step, from any machine sharing the store (who is recorded)",
    load: () => import("./commands/approve.js"),
  },
  {
    name: "skip",
    summary: "mark a step of a halted run done, with a recorded reason",
    load: () => import("./commands/skip.js"),
    holdsRun: true,
  },
  {
    name: "rollback",
    summary: "unwind a run's rollback boundaries, newest first (also after it completed)",
    load: () => import("./commands/rollback.js"),
    holdsRun: true,
    compilersOff: "until-bound",
  },
  {
    name: "fleet",
    summary:
      "one runbook on many targets at a controlled rate (max-concurrency, max-errors, canary), resumable",
    load: () => import("./commands/fleet/index.js"),
  },
  {
    name: "store",
    summary: "the team's PostgreSQL run store: migrate, status, import a state directory",
    load: () => import("./commands/store.js"),
  },
  {
    name: "lint",
    summary: "validate plus rules for rollback, backups, pinning, timeouts and secrets",
    load: () => import("./commands/lint.js"),
  },
  {
    name: "report",
    summary: "a run's report (md, html with a timeline, json): steps, outputs, rollback, recovery",
    load: () => import("./commands/report.js"),
    holdsRun: true,
    compilersOff: "always",
  },
  {
    name: "eval",
    summary: "try an expression: print its value and type, or where it is wrong",
    load: () => import("./commands/eval.js"),
  },
  {
    name: "lsp",
    summary: "the language server for editors (stdio): lint as you type, completion, hover, navigation",
    load: () => import("./commands/lsp.js"),
  },
  {
    name: "graph",
    summary: "draw a runbook as a Mermaid flowchart or Graphviz dot",
    load: () => import("./commands/graph.js"),
  },
  {
    name: "lab",
    summary:
      "a local lab to rehearse on: Kubernetes stand-in, PostgreSQL, sample products (up|down|status|env)",
    load: () => import("./commands/lab.js"),
  },
];
