// A fleet target as PostgreSQL returns it, and the TargetRow it becomes: the one column list and mapping.
import type { TargetRow, TargetState } from "./fleet-types.js";

export interface TargetDbRow {
  name: string;
  position: number;
  canary: boolean;
  spec: TargetRow["spec"];
  state: TargetState;
  run_id: string | null;
  attempt: number;
  handle: string | null;
  started_at: Date | null;
  finished_at: Date | null;
  run_status: string | null;
  message: string | null;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function targetRow(r: TargetDbRow): TargetRow {
  return {
    name: r.name,
    position: r.position,
    canary: r.canary,
    spec: r.spec,
    state: r.state,
    runId: r.run_id,
    attempt: r.attempt,
    handle: r.handle,
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
    runStatus: r.run_status,
    message: r.message,
  };
}

export const TARGET_COLUMNS =
  "name, position, canary, spec, state, run_id, attempt, handle, started_at, finished_at, run_status, message";
