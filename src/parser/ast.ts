// The typed runbook document (rbx/v1) the loader produces: every node keeps the span it came from.

import type { ConnectionKind } from "../contract/connection.js";
import type { Span } from "../diagnostics/diagnostic.js";

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

/**
 * One step: either an action (`action` + `with`) or a named check suite run in place (`check`).
 * Steps inside `rollback:` may omit `id`.
 */
export interface Step extends Node {
  id?: Name;
  action?: Name;
  check?: Name;
  with?: MapValue;
  when?: ExprText;
  guards: Assertion[];
  expect: Assertion[];
  retry?: Retry;
  timeout?: DurationValue;
  onFailure?: { value: FailurePolicy; span: Span };
  /** A read-only postcondition: if it holds on resume, the write is already done. */
  verify?: Step;
  description?: string;
}

export interface CheckSuite extends Node {
  name: Name;
  steps: Step[];
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

/** A whole rbx/v1 document. */
export interface Runbook extends Node {
  file: string;
  apiVersion: Name;
  kind: Name;
  metadata: Metadata;
  params: Param[];
  env: EnvDecl[];
  connections: Connection[];
  guards: Assertion[];
  checks: CheckSuite[];
  phases: Phase[];
  onFailure: { value: FailurePolicy; span: Span | undefined };
  onUnreachable: { value: UnreachablePolicy; span: Span | undefined };
}
