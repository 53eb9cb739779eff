// Where a fleet's target runs execute: the controller hands an executor one ordinary run to start or resume;
// the run store, never the executor, says how it ended. `local` runs child processes; a Kubernetes executor
// (one Job per target) plugs in behind the same interface.

/** One target's run, as the controller asks an executor to carry it out. */
export interface LaunchSpec {
  fleetId: string;
  target: string;
  /** The run's id, chosen by the controller before launching (a second launch of it is refused by the store). */
  runId: string;
  /** `start`: `rbx run` with this id; `resume`: `rbx resume` of the run the target already has. */
  mode: "start" | "resume";
  /** The runbook, as an absolute path (start) — resume reads the text the run keeps in the store. */
  runbook: string;
  /** The target's params (the fleet's, its params file's, its own), as a params file gives them. */
  params: Record<string, unknown>;
  /** The environment the run gets beyond the executor's own (the target's `env` indirections, resolved). */
  env: Record<string, string>;
  approve: readonly string[];
  approveAll: boolean;
  /** The PostgreSQL store the run journals in (passed in the environment, never on a command line). */
  storeUrl: string;
  /** The state directory for work files; the fleet's files go under `<stateDir>/fleets/<fleetId>/`. */
  stateDir: string;
}

/** A launched run: an executor-specific handle kept with the target, and when the launched thing ended. */
export interface Launched {
  /** e.g. `pid 1234 on host-a`, or a Job's namespace/name: kept in the store, shown by `fleet status`. */
  handle: string;
  /** Resolves when the process (or Job) ended, with its exit code when known. */
  exited: Promise<number | null>;
  /** Where its output went, when it is a file people can read. */
  log?: string;
}

/** What runs target runs. */
export interface FleetExecutor {
  readonly name: string;
  launch(spec: LaunchSpec): Promise<Launched>;
  /**
   * After a controller restart: whether what a handle names still runs. true: wait for its run; false: it
   * is gone (its run, if any, is read from the store); "unknown": it ran on another host.
   */
  alive(handle: string): Promise<boolean | "unknown">;
  /** The last lines of a launched run's output, for a target that ended without a run to show (bounded). */
  tail?(handle: string, log: string | undefined): string;
}

/** The executors `--executor` may name. */
export const EXECUTORS = ["local", "kubernetes"] as const;
export type ExecutorName = (typeof EXECUTORS)[number];
