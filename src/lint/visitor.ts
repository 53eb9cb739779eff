// The places the shared walk visits; rules subscribe to the hooks they need and never walk the AST themselves.
import type {
  Assertion,
  CheckSuite,
  Connection,
  MapEntry,
  Param,
  Phase,
  Runbook,
  SourceText,
  Step,
  ValueNode,
} from "../parser/ast.js";

/** Where a step sits: in a phase's steps, in a phase's rollback, in a named check suite, or as a step's `verify`. */
export type StepPlace = "phase" | "rollback" | "check" | "verify";

/** A step with what a rule needs to know about its surroundings. */
export interface StepSite {
  step: Step;
  place: StepPlace;
  /** The phase for `phase` and `rollback` steps (and `verify` steps under them). */
  phase?: Phase;
  /** The suite for `check` steps. */
  suite?: CheckSuite;
  /** For `verify` steps: the step it verifies. */
  parent?: StepSite;
  /** Position among the phase steps of the whole runbook in run order; -1 elsewhere. */
  order: number;
}

/** What owns a value: a step's `with`, a connection's fields, a param's default, or an assertion's message. */
export type ValueOwner =
  | { kind: "step"; site: StepSite }
  | { kind: "connection"; connection: Connection }
  | { kind: "param"; param: Param }
  | { kind: "assertion"; assertion: Assertion; step?: StepSite };

/** One value node of `with:`, a connection or a default, with the key path that leads to it. */
export interface ValueSite {
  value: ValueNode;
  /** Keys from the owner down (`["set", "image.tag"]`); list items add no key. */
  path: readonly string[];
  /** The map entry the value belongs to, when it is a map value. */
  entry?: MapEntry;
  owner: ValueOwner;
}

/** Which slot of the document an expression or template fills (`duration`: a `${{ }}` timeout or wait). */
export type ExpressionRole = "when" | "guard" | "expect" | "until" | "message" | "template" | "duration";

/** An expression (`when`, `that`, `until`) or a template string (`with`, messages, connection fields). */
export interface ExpressionSite {
  text: SourceText;
  role: ExpressionRole;
  /** true when `text` is a template with `${{ }}` parts rather than a bare expression. */
  template: boolean;
  /** The step it belongs to; undefined for runbook guards, connections and param defaults. */
  step?: StepSite;
  /** The assertion it belongs to (guards, expect). */
  assertion?: Assertion;
  /** For templates: the value site the template is. */
  value?: ValueSite;
}

/** The hooks of one rule; each is optional and called in document order by the one walk. */
export interface Visitor {
  runbook?(runbook: Runbook): void;
  param?(param: Param): void;
  connection?(connection: Connection): void;
  guard?(guard: Assertion): void;
  checkSuite?(suite: CheckSuite): void;
  phase?(phase: Phase, index: number): void;
  step?(site: StepSite): void;
  value?(site: ValueSite): void;
  expression?(site: ExpressionSite): void;
  /** After everything was visited: for rules that decide on the whole document (unused names). */
  runbookExit?(runbook: Runbook): void;
}
