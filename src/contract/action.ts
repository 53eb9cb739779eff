// The action contract: one definition per action (built-in or a project's own), read by every stage of rbx.
import type { ApprovalAsk, GrantedApproval } from "./approval.js";
import type { CelType } from "./cel-types.js";
import type { ConnectionKind, ResolvedConnection } from "./connection.js";
import type { JsonSchema, JsonValue } from "./json.js";

export type Effect = "read" | "write";

/**
 * The version of this contract. `defineAction` stamps it on every definition, so a project's action module
 * built against another rbx is refused at load with a clear message instead of failing mid-run. Raise it only
 * when a change would break existing definitions (a field removed or its meaning changed).
 */
export const ACTION_CONTRACT_VERSION = 1;

/** Masks every secret-derived substring; the only way text leaves an action for logs or errors. */
export interface Redactor {
  redact(text: string): string;
  /** Register a value that must never be shown (e.g. a password read from a secret at run time). */
  addSecret(value: string): void;
}

/** Progress and log lines from a running action; already redacted by the logger. */
export interface ActionLogger {
  info(message: string): void;
  warn(message: string): void;
  /** What the action is waiting for right now, e.g. "3/5 replicas available". */
  progress(message: string): void;
}

export interface ActionContext {
  signal: AbortSignal;
  log: ActionLogger;
  redactor: Redactor;
  /** Connections the runbook declares, by name. */
  connections: ReadonlyMap<string, ResolvedConnection>;
  runId: string;
  stepId: string;
  /** A directory owned by this run for artifacts (snapshots, captured logs). */
  workDir: string;
  /** The process environment the action may read (never logged). */
  env: Readonly<Record<string, string | undefined>>;
  /** Per-run shared resources (e.g. one pg pool per connection), disposed when the run ends; optional. */
  resources?: RunResources;
  /** The approval this step was granted, for actions that need one (the interpreter asks before the step). */
  approval?: GrantedApproval;
}

/** Resources shared by the steps of one run and released once at its end (see builtins/shared/run-resources.ts). */
export interface RunResources {
  /** The resource stored under `key`, created on first use; `dispose` runs when the run ends. */
  get<T>(key: string, create: () => Promise<T>, dispose: (value: T) => Promise<void>): Promise<T>;
}

/** What a step would do, as shown by `rbx plan`: a command line, an SQL statement, an HTTP request. */
export interface PlannedEffect {
  kind: "command" | "sql" | "http" | "approval" | "note";
  /** Human-readable and already redacted. */
  text: string;
}

export interface PlanContext {
  connections: ReadonlyMap<string, ResolvedConnection>;
  redactor: Redactor;
}

/** The settled state of a write step that started but was never recorded as finished. */
export type ProbeResult =
  | { state: "done"; output?: unknown }
  | { state: "not-done" }
  | { state: "unknown"; reason: string };

/** One action, defined once. `run` may import heavy modules lazily; nothing else should. */
export interface ActionDefinition<Args = Record<string, unknown>, Output = unknown> {
  /** Dotted camelCase words; a project's own actions live in a namespace of their own (`acme.argocd.sync`). */
  name: string;
  /** The contract version the definition was written for; `defineAction` sets it. */
  contract?: number;
  effect: Effect;
  /**
   * A step may declare `effect: read` (the action runs a program only its author knows, e.g. `exec`): it is then
   * a read everywhere — journal, locks, lint, plan, in-doubt handling, check suites and `verify:`.
   */
  effectOverridable?: boolean;
  summary: string;
  /** JSON Schema of `with:`; contributed to schema/runbook.schema.json. */
  input: JsonSchema;
  /** The type of `output`, for the checker. */
  output: CelType;
  /** Only a person may start it: the interpreter asks for an approval first and runs it only once granted. */
  requiresApproval?: boolean;
  /**
   * The step itself is an approval (`approve`): what to ask and how long a prompt waits. The interpreter asks
   * before running the step, as for `requiresApproval`; `run` then reports the approval it was given.
   */
  approvalRequest?(args: Args): ApprovalAsk;
  /** Connection kinds the action uses; a write action locks the connection it writes to. */
  connectionKinds?: readonly ConnectionKind[];
  plan(args: Args, ctx: PlanContext): PlannedEffect[];
  /**
   * Credentials in `args` (or in the connections they name) that need not be secrets of the run — a
   * credential header, a URL's password: the interpreter masks them before it journals the step's args.
   */
  credentials?(args: Args, connections: ReadonlyMap<string, ResolvedConnection>): string[];
  run(ctx: ActionContext, args: Args): Promise<Output>;
  /** Write actions: state observed just before the write, journaled so `probe` can compare after a crash. */
  before?(ctx: ActionContext, args: Args): Promise<JsonValue>;
  /** Write actions: did the write happen? Called on resume for an in-doubt step; must not mutate. */
  probe?(ctx: ActionContext, args: Args, before: JsonValue | undefined): Promise<ProbeResult>;
  /**
   * What the target the action works on looks like now (read-only), for the cause of a failure: e.g. the
   * workload's pods, their phases, restarts, waiting reasons and last log lines (a `Diagnosis`). Called by the
   * interpreter when this step, or a later one that waits for what it changed, finally fails.
   */
  diagnose?(ctx: ActionContext, args: Args): Promise<Diagnosis | undefined>;
}

/** What a workload looked like when a step failed: its pods and the last log lines of failing containers. */
export interface Diagnosis {
  /** What was looked at, e.g. "deployment kryton/kryton" or "pods of release kryton in kryton". */
  target: string;
  pods: DiagnosedPod[];
  logs: { pod: string; container: string; previous: boolean; lines: string[] }[];
}

/** One pod of a diagnosis. */
export interface DiagnosedPod {
  name: string;
  phase: string;
  ready: boolean;
  restarts: number;
  /** Why a container waits or ended, e.g. CrashLoopBackOff, ErrImagePull, Error. */
  reason?: string;
  message?: string;
  /** The last termination, e.g. "exit 1 (Error)". */
  lastExit?: string;
}

/** Keeps each definition's argument and output types, and stamps the contract version it was written for. */
export function defineAction<Args, Output>(
  def: ActionDefinition<Args, Output>,
): ActionDefinition<Args, Output> {
  return { ...def, contract: ACTION_CONTRACT_VERSION };
}

/** Any definition, whatever its argument and output types; what catalogs hold. */
// biome-ignore lint/suspicious/noExplicitAny: a heterogeneous list of definitions; each keeps its own types where defined.
export type AnyAction = ActionDefinition<any, any>;

/** Where a project's own actions came from, as `.rbx.yaml` lists them; runs record it in their journal. */
export interface ActionModule {
  /** As written in `.rbx.yaml`: `./rbx-actions/argocd.js`, `@acme/rbx-actions`. */
  spec: string;
  /** The file it resolved to. */
  file: string;
  /** The package it belongs to and its version, when it is a package. */
  package?: { name: string; version: string };
  /** sha256 of the module's entry file, so a run records exactly which code it used. */
  contentHash: string;
  /** The actions it defines. */
  actions: readonly string[];
}

/** The actions a runbook may use, looked up by name; passed to every stage that needs it, never global. */
export interface ActionCatalog {
  /** Every action, in the order docs and the schema list them. */
  readonly actions: readonly AnyAction[];
  /** The definition of an action by its name (`helm.upgrade`), or undefined. */
  find(name: string): AnyAction | undefined;
  /** True for the built-in catalog only: documents are checked against the committed, precompiled schema. */
  readonly committedSchema?: boolean;
  /** The project's action modules the catalog holds besides the built-ins (none for the built-in catalog). */
  readonly modules?: readonly ActionModule[];
}

/** A catalog over a list of definitions (the first of a name wins). */
export function catalogOf(actions: readonly AnyAction[], modules?: readonly ActionModule[]): ActionCatalog {
  const byName = new Map<string, AnyAction>();
  for (const a of actions) if (!byName.has(a.name)) byName.set(a.name, a);
  return { actions, find: (name) => byName.get(name), ...(modules ? { modules } : {}) };
}
