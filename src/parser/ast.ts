// The typed runbook document (rbx/v1) the loader produces: every node keeps the span it came from.

import type { ConnectionKind } from "../contract/connection.js";
import type { Span } from "../diagnostics/diagnostic.js";
import type { SourceFile } from "../diagnostics/source-file.js";

/** Anything that came from the file carries where it came from. */
export interface Node {
  span: Span;
}

/**
 * A string from the document that holds an expression or a `${{ }}` template.
 * `offsets[i]` is the file offset of the i-th UTF-16 code unit of `text` (escapes, folding and
 * indentation removed by YAML are accounted for); `offsets[text.length]` is one past the last one.
 * The expression parser reports its errors relative to `text` and shifts them through this map.
 */
export interface SourceText extends Node {
  text: string;
  offsets: readonly number[];
}

/** A bare expression (guards, `when`, `that`, `until`): source text, parsed by the expression language. */
export type ExprText = SourceText;

/** A named thing's name and where the name is written (for "did you mean" and references). */
export interface Name extends Node {
  value: string;
}

/** A literal or template value inside `with:`, a connection, or a param default. */
export type ValueNode = StringValue | NumberValue | BoolValue | NullValue | ListValue | MapValue;

export interface StringValue extends Node {
  kind: "string";
  value: string;
  /** true when the string contains `${{`; then `source` is parsed as a template. */
  template: boolean;
  source: SourceText;
}
export interface NumberValue extends Node {
  kind: "number";
  value: number;
  /** true for an integer literal (`5`), false for a double (`5.0`, `1e3`). */
  integer: boolean;
  raw: string;
}
export interface BoolValue extends Node {
  kind: "bool";
  value: boolean;
}
export interface NullValue extends Node {
  kind: "null";
}
export interface ListValue extends Node {
  kind: "list";
  items: ValueNode[];
}
export interface MapEntry {
  key: Name;
  value: ValueNode;
}
export interface MapValue extends Node {
  kind: "map";
  entries: MapEntry[];
}

/**
 * A duration: a literal such as `5s`, `1m30s`, `15m`, `2h`, or one whole `${{ }}` template
 * (`"${{ params.migrationWait }}"`) whose value is known only when the step starts.
 */
export interface DurationValue extends Node {
  /** The text as written (the template's text for a template). */
  text: string;
  /** Milliseconds of a literal; 0 for a template (resolve it with the run's evaluator instead). */
  ms: number;
  /** Present for a template: its source, evaluated when the step starts to a duration or a duration string. */
  template?: SourceText;
}

export type ParamType = "string" | "int" | "bool" | "semver" | "duration" | "url" | "enum" | "secret";

/** A typed input of the runbook, given with `--param k=v`, a params file, a default, or (secrets) the environment. */
export interface Param extends Node {
  name: Name;
  type: ParamType;
  typeSpan: Span;
  description?: string;
  default?: ValueNode;
  /** Allowed values of an `enum` param. */
  values?: Name[];
  /** `from: env.NAME` — where a secret (or any param) is read from. */
  from?: { env: string; span: Span };
  /** No default and no `from`: the operator must give it. */
  required: boolean;
  /** Declared by a check library whose suites need it (its spans point into that file). */
  importedFrom?: string;
}

/** An environment variable the document declares and expressions may read as `env.NAME`. */
export interface EnvDecl extends Node {
  name: Name;
  secret: boolean;
  description?: string;
}

/** Something the built-in actions talk to; fields may be templates over params. */
export interface Connection extends Node {
  name: Name;
  kind: ConnectionKind;
  kindSpan: Span;
  /** Everything but `kind`: kubernetes {kubeconfig, context, namespace}, postgres {url}, http {baseUrl, headers, ca, insecure}. */
  fields: MapEntry[];
}

/** An assertion: `that` must be true; `message` (a template) says what went wrong. */
export interface Assertion extends Node {
  that: ExprText;
  message?: StringValue;
}

export type FailurePolicy = "rollback" | "halt";

/**
 * What a failure whose cause is an unreachable target (refused, DNS, TLS, no answer, rejected credentials)
 * does when the rollback would need that same target: `halt` (the default) or `rollback` as for any failure.
 */
export type UnreachablePolicy = "halt" | "rollback";

export interface Retry extends Node {
  attempts?: number;
  every?: DurationValue;
  /** Multiplier applied to `every` after each attempt (1 = constant). */
  backoff?: number;
  /** Upper bound for the wait between attempts once backoff grows it. */
  maxEvery?: DurationValue;
  /** Retry until this holds over `output` (a poll); the step fails if it never does. */
  until?: ExprText;
  /** Overall deadline for all attempts together. */
  timeout?: DurationValue;
}

/** What the loader learnt of a child runbook a `run:` step names (when it could read it). */
export interface ChildRunbook {
  /** The child's file, resolved from the parent's folder. */
  file: string;
  name: string;
  version: string;
}

/**
 * One step: an action (`action` + `with`), a named check suite run in place (`check`), or another runbook run
 * as a child run (`run` + `with` for its params). Steps inside `rollback:` may omit `id`.
 */
export interface Step extends Node {
  id?: Name;
  action?: Name;
  check?: Name;
  /** The child runbook's path as written (relative to this file). */
  run?: Name;
  /** The child runbook, once the loader read it. */
  child?: ChildRunbook;
  with?: MapValue;
  when?: ExprText;
  guards: Assertion[];
  expect: Assertion[];
  retry?: Retry;
  timeout?: DurationValue;
  onFailure?: { value: FailurePolicy; span: Span };
  /** A read-only postcondition: if it holds on resume, the write is already done. */
  verify?: Step;
  /** `effect: read` — the author declares that this run of a program changes nothing (exec only). */
  effect?: { value: "read"; span: Span };
  description?: string;
}

export interface CheckSuite extends Node {
  name: Name;
  steps: Step[];
  /** The check library an imported suite was written in (its nodes' spans point into that file). */
  from?: string;
}

/** An `imports:` entry: named check suites (and the params they need) from a check library, at a pinned version. */
export interface Import extends Node {
  from: Name;
  version: Name;
  checks: Name[];
}

/** A check library the document's imports loaded (directly or through another library). */
export interface LoadedLibrary {
  /** As diagnostics show it: beside the importing file. */
  file: string;
  name: string;
  version: string;
  /** sha256 of its text: a run records it, and a resume notices a changed library. */
  contentHash: string;
  /** Its text, for diagnostics with its line and for exact positions in its expressions. */
  source: SourceFile;
  /** The suites the document took from it. */
  checks: string[];
}

export interface Phase extends Node {
  id: Name;
  description?: string;
  steps: Step[];
  /** Present when the phase is a rollback boundary: how to return to the state at its entry. */
  rollback?: Step[];
  rollbackSpan?: Span;
  onFailure?: { value: FailurePolicy; span: Span };
}

export interface Metadata extends Node {
  name: Name;
  version: Name;
  product?: Name;
  summary?: string;
  owners: Name[];
}

/** A whole rbx/v1 document: a Runbook, or a CheckLibrary (params and checks for other documents to import). */
export interface Runbook extends Node {
  file: string;
  apiVersion: Name;
  kind: Name;
  metadata: Metadata;
  imports: Import[];
  /** Every library loaded for the imports, the imports' own imports included. */
  libraries: LoadedLibrary[];
  params: Param[];
  env: EnvDecl[];
  connections: Connection[];
  guards: Assertion[];
  checks: CheckSuite[];
  phases: Phase[];
  onFailure: { value: FailurePolicy; span: Span | undefined };
  onUnreachable: { value: UnreachablePolicy; span: Span | undefined };
}
