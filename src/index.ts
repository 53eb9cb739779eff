// The rbx library: what other tools may import — the expression language, the loader and checker, lint and runs.
// Inside rbx every stage takes the action catalog as an argument; here it defaults to the built-in one.
import { builtinCatalog } from "./builtins/index.js";
import { checkRunbook as checkWith } from "./check/check-runbook.js";
import { runbookEnv as envWith } from "./check/environment.js";
import type { TypeEnv } from "./check/type-env.js";
import type { ActionCatalog, AnyAction } from "./contract/action.js";
import type { CelType } from "./contract/cel-types.js";
import type { Diagnostic } from "./diagnostics/diagnostic.js";
import type { SourceFile } from "./diagnostics/source-file.js";
import { type LintOptions, type LintResult, lintSource as lintWith } from "./lint/linter.js";
import type { Runbook } from "./parser/ast.js";
import {
  type LoadOptions,
  type LoadResult,
  loadRunbookFile as loadFileWith,
  loadRunbook as loadWith,
} from "./parser/load.js";

export { actions, builtinCatalog } from "./builtins/index.js";
// The action contract a project's own action implements (docs/writing-an-action.md): the definition and its
// context, the output types (`T`, from the expression language below), the failures an action throws.
export type * from "./contract/action.js";
export { ACTION_CONTRACT_VERSION, catalogOf, defineAction } from "./contract/action.js";
export type * from "./contract/approval.js";
export type * from "./contract/connection.js";
export type { FailureKind, FailureRecord } from "./contract/failure.js";
export { fail, StepFailure } from "./contract/failure.js";
export type * from "./contract/json.js";
// A project's catalog as every rbx verb builds it: the built-ins plus the modules `.rbx.yaml` lists.
export type { CatalogQuery, ProjectCatalog } from "./project/project-catalog.js";
export { projectCatalog } from "./project/project-catalog.js";

/** The built-in action of this name (`helm.upgrade`), or undefined. */
export function findAction(name: string): AnyAction | undefined {
  return builtinCatalog.find(name);
}

/** The names of the built-in actions. */
export function actionNames(): string[] {
  return builtinCatalog.actions.map((a) => a.name);
}

// Problems, as every stage reports them.
export type { Diagnostic, Position, Severity, Span } from "./diagnostics/diagnostic.js";
export { compareDiagnostics, hasErrors } from "./diagnostics/diagnostic.js";
export { formatDiagnostic, formatDiagnostics } from "./diagnostics/format.js";
export { SourceFile } from "./diagnostics/source-file.js";

// The expression language (docs/expressions.md): compile once, evaluate many times; CEL ↔ JavaScript values.
export * from "./expr/index.js";

// Runbook documents: load with positions, then type-check every expression.
export type * from "./parser/ast.js";
export type { LoadOptions, LoadResult } from "./parser/load.js";

/** Load a runbook from its text (against the built-in catalog unless another is given). */
export function loadRunbook(file: string, text: string, options: Partial<LoadOptions> = {}): LoadResult {
  return loadWith(file, text, { catalog: options.catalog ?? builtinCatalog });
}

/** Read and load a runbook file. */
export function loadRunbookFile(path: string, options: Partial<LoadOptions> = {}): Promise<LoadResult> {
  return loadFileWith(path, { catalog: options.catalog ?? builtinCatalog });
}

/** Type-check every expression of a loaded runbook. */
export function checkRunbook(
  runbook: Runbook,
  file?: SourceFile,
  catalog: ActionCatalog = builtinCatalog,
): Diagnostic[] {
  return checkWith(runbook, catalog, file);
}

/** The environment of names a runbook gives its expressions (`output` typed as given). */
export function runbookEnv(
  runbook: Runbook,
  output?: CelType,
  catalog: ActionCatalog = builtinCatalog,
): TypeEnv {
  return envWith(runbook, catalog, output);
}

// Lint: everything validate finds plus the rules.
export type { LintOptions, LintResult } from "./lint/linter.js";

/** Lint one document's text as `rbx lint` does (asynchronous: a runbook with SQL loads PostgreSQL's parser first). */
export function lintSource(
  file: string,
  text: string,
  options: Partial<LintOptions> = {},
): Promise<LintResult> {
  return lintWith(file, text, { ...options, catalog: options.catalog ?? builtinCatalog });
}

// Team scale: the PostgreSQL store, approvals from anyone sharing it, following runs, the targets' identity and
// Leases (pass `targets: builtinTargets` in the session options to lock a cluster by what it is, with a Lease).
export { builtinTargets } from "./builtins/targets.js";
export type { Actor, ApproverRule } from "./contract/approval.js";
export type { TargetLeaseApi, TargetLeaseRecord, TargetSupport } from "./contract/target.js";
// Runs: plan, start, resume, roll back and skip, with the journal in a run store (pass `catalog: builtinCatalog`).
export { planRunbook } from "./run/bind/bind-document.js";
export type { LockHolder, LockKey, RunEvent } from "./run/model/events.js";
export { foldEvents, type RunState, type RunStatus } from "./run/model/state.js";
export { approveStep } from "./run/sessions/approve-step.js";
export { type FollowEnd, type FollowPause, followRun, watchRuns } from "./run/sessions/follow-run.js";
export { inspectRun, listRuns } from "./run/sessions/inspect.js";
export { resumeRun } from "./run/sessions/resume-run.js";
export { rollbackRun } from "./run/sessions/rollback-run.js";
export type { SessionOptions, SessionResult } from "./run/sessions/session-options.js";
export { skipStep } from "./run/sessions/skip-step.js";
export { startRun } from "./run/sessions/start-run.js";
export { FileRunStore } from "./run/store/file-store.js";
export { importRuns } from "./run/store/import-runs.js";
export { DEFAULT_LEASE_MS, PgRunStore, type PgStoreOptions } from "./run/store/pg-store.js";
export { newRunId, resolveRunId } from "./run/store/run-ids.js";
export {
  type Fence,
  type LockConflict,
  type LockOutcome,
  type RunJournal,
  type RunStore,
  StoreFencedError,
  StoreUnavailableError,
} from "./run/store/run-store.js";
