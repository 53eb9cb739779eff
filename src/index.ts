// The rbx library: what other tools may import — the expression language, the loader and checker, lint and runs.

// Built-in actions and the contract a new one implements.
export { actionNames, actions, findAction } from "./builtins/index.js";
export { checkRunbook } from "./check/check-runbook.js";
export { runbookEnv } from "./check/environment.js";
// Problems, as every stage reports them.
export type { Diagnostic, Position, Severity, Span } from "./diagnostics/diagnostic.js";
export { compareDiagnostics, hasErrors } from "./diagnostics/diagnostic.js";
export { formatDiagnostic, formatDiagnostics } from "./diagnostics/format.js";
export { SourceFile } from "./diagnostics/source-file.js";
// The expression language (docs/expressions.md): compile once, evaluate many times; CEL ↔ JavaScript values.
export * from "./expr/index.js";
// Lint: everything validate finds plus the rules.
export { type LintResult, lintSource } from "./lint/linter.js";
// Runbook documents: load with positions, then type-check every expression.
export type * from "./parser/ast.js";
export { type LoadOptions, type LoadResult, loadRunbook, loadRunbookFile } from "./parser/load.js";
export type * from "./runtime/action.js";
export { defineAction } from "./runtime/action.js";

// Runs: plan, start, resume, roll back and skip, with the journal under a state directory.
export {
  planRunbook,
  resumeRun,
  rollbackRun,
  type SessionOptions,
  type SessionResult,
  skipStep,
  startRun,
} from "./runtime/session.js";
