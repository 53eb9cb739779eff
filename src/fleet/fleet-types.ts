// What the fleet store keeps and answers (fleets, targets, the fleet journal) and how it refuses: the types every
// part of a fleet shares, apart from the store's SQL.
/** How a target stands in its fleet. */
export type TargetState =
  | "pending"
  | "running"
  | "succeeded"
  | "failed"
  | "halted"
  | "waiting-approval"
  | "interrupted";

/** Every target state, in the order reports list them. */
export const TARGET_STATES: readonly TargetState[] = [
  "running",
  "waiting-approval",
  "halted",
  "failed",
  "interrupted",
  "pending",
  "succeeded",
];

/** How a fleet stands. */
export type FleetStatus = "running" | "completed" | "completed-with-errors" | "halted" | "interrupted";

/** What a fleet run was asked for (kept with the fleet, so resume needs no flags). */
export interface FleetOptions {
  maxConcurrency: string;
  maxErrors: string;
  canary: number;
  haltsAreErrors: boolean;
  executor: string;
  approve: string[];
  approveAll: boolean;
  /** The runbook's path as the operator gave it, and the directory it was given from. */
  cwd: string;
  /** The targets' count and the limits resolved for it. */
  targets: number;
  concurrency: number;
  errorsAllowed: number;
  /** The plan hash every target's plan had when the fleet started (by target). */
  planHashes?: Record<string, string>;
  /** `--executor kubernetes`: where the Jobs go (never a secret: the store URL travels in each Job's Secret). */
  kubernetes?: { namespace?: string; image?: string; kubeconfig?: string; context?: string };
}

/** What the store keeps of one target. */
export interface TargetRow {
  name: string;
  position: number;
  canary: boolean;
  spec: { params: Record<string, unknown>; labels: Record<string, string>; env: Record<string, string> };
  state: TargetState;
  runId: string | null;
  attempt: number;
  handle: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  runStatus: string | null;
  message: string | null;
}

/** The controller holding a fleet. */
export interface ControllerInfo {
  user: string;
  host: string;
  pid: number;
  since: string;
}

/** What the store keeps of one fleet. */
export interface FleetRow {
  fleetId: string;
  name: string;
  createdAt: string;
  createdBy: string;
  runbook: string;
  runbookText: string;
  fleetText: string;
  options: FleetOptions;
  status: FleetStatus;
  message: string | null;
  controller: ControllerInfo | null;
  controllerAlive: boolean;
  updatedAt: string;
}

/** One entry of the fleet journal. */
export interface FleetEvent {
  seq: number;
  at: string;
  by: string;
  type: string;
  target: string | null;
  body: Record<string, unknown>;
}

/** A fleet's controller lease was taken by another controller: stop driving it now. */
export class FleetFencedError extends Error {
  override readonly name = "FleetFencedError";
}

/** The fleet store could not do what was asked (unreachable, refused): a message people can read. */
export class FleetStoreError extends Error {
  override readonly name = "FleetStoreError";
}
