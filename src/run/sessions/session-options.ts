// What every operator verb (start, resume, rollback, skip) needs from its caller, and how it ended.
import type { ActionCatalog, ActionLogger } from "../../contract/action.js";
import type { TargetSupport } from "../../contract/target.js";
import type { Ask } from "../interpreter/approvals.js";
import type { SettleChoice } from "../interpreter/driver.js";
import type { RunEvent } from "../model/events.js";
import type { RunStatus } from "../model/state.js";
import type { RunStore } from "../store/run-store.js";
import type { ObserveRun } from "./run-scope.js";

/**
 * The catalog of a runbook, found per file — the CLI's reads the `.rbx.yaml` above the file — or why there is
 * none; `warnings` are the config's lesser problems, said before the run goes on.
 */
export type CatalogResolver = (
  runbookFile: string,
) => Promise<{ catalog: ActionCatalog; warnings?: string } | { problem: string }>;

/** The verbs a `run:` step drives its child runs with (injected: the verbs themselves drive runs with children). */
export interface ChildVerbs {
  start(
    file: string,
    params: { cli: ReadonlyMap<string, string>; file?: Record<string, unknown> },
    planHash: string | undefined,
    opts: SessionOptions,
  ): Promise<SessionResult>;
  resume(
    id: string,
    extra: { paramsFile?: Record<string, unknown>; file?: string },
    opts: SessionOptions,
  ): Promise<SessionResult>;
  rollback(
    id: string,
    extra: { paramsFile?: Record<string, unknown>; file?: string },
    opts: SessionOptions,
  ): Promise<SessionResult>;
}

/** A child run's place under its parent: who started it, the locks it inherits, the runbooks above it. */
export interface ParentLink {
  runId: string;
  step: string;
  /** Lock keys an ancestor holds: the child works under them instead of taking them. */
  locks: ReadonlySet<string>;
  /** The runbook files of every ancestor, so none is run again below itself. */
  files: readonly string[];
  /**
   * Throws when an ancestor no longer holds its locks (fenced, store lost): the child checks it before every
   * write action, as it checks its own, since it works under those locks.
   */
  check?: () => Promise<void>;
}

/** What every verb needs from its caller (the CLI, or a test). */
export interface SessionOptions {
  store: RunStore;
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /** The OS user (or `RBX_USER`); with the host and the store's role it makes the actor of every event. */
  user: string;
  /**
   * What a connection's target is (its lock identity) and the Leases targets hold; the CLI passes the built-in
   * support (Kubernetes clusters by server URL, CA and namespace). Without it, targets are identified by their
   * connection fields and hold no Lease.
   */
  targets?: TargetSupport;
  /** How long a target Lease lasts unless renewed (default: the store's lease, else 30 s). */
  leaseMs?: number;
  /** Values no journal, log or message of the run may show (the store URL's password): masked like secrets. */
  secrets?: readonly string[];
  /** The actions runbooks may use: one catalog for every file (tests, library callers), or found per file. */
  catalog: ActionCatalog | CatalogResolver;
  approve?: ReadonlySet<string>;
  approveAll?: boolean;
  ask?: Ask;
  askInDoubt?: (step: string, why: string) => Promise<SettleChoice | undefined>;
  settle?: ReadonlyMap<string, SettleChoice>;
  forceUnlock?: boolean;
  acceptChanges?: boolean;
  signal: AbortSignal;
  signalName?: () => string;
  /** Builds the run's view (the CLI's live progress or NDJSON); it gets every event and each step's log. */
  observe?: ObserveRun;
  /** Every step's logger when there is no `observe` (library callers); silent when absent too. */
  log?: ActionLogger;
  onEvent?: (event: RunEvent) => void;
  /** `--state-dir` as the operator gave it, repeated in the commands a verb suggests. */
  stateDir?: string;
  /** Operator-facing lines (stderr). */
  say: (line: string) => void;
  /** How `run:` steps start, resume and unwind child runs (the CLI passes `childVerbs`); absent: they fail. */
  children?: ChildVerbs;
  /** Set for a child run: its parent, inherited locks and ancestry. */
  parent?: ParentLink;
  /**
   * The id of the run `startRun` starts (a parent journals its child's id before the child starts; a fleet or a
   * Kubernetes Job names its runs, so a retried pod resumes the same one); default a new time-sorted id. An id
   * whose journal exists is refused: resume it instead.
   */
  runId?: string;
}

/**
 * How a verb ended. `fenced`: this process lost the run's locks and stopped before its next action;
 * `store-unreachable`: the store stopped answering and the run stopped before its next action.
 */
export interface SessionResult {
  exit: number;
  runId?: string;
  status?: RunStatus | "fenced" | "store-unreachable";
}
