// What the operator is told when a target is locked: who holds it and what to do.
import type { LockConflict } from "../store/run-store.js";

/** Describe lock conflicts so the operator knows who holds the target and what to do. */
export function describeConflicts(conflicts: readonly LockConflict[]): string[] {
  return conflicts.map(({ holder, alive }) => {
    const who = `run ${holder.runId} (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt})`;
    if (alive === false) {
      return `${holder.label} is locked by ${who}, whose process is gone: a stale lock. Resume or roll back that run, or pass --force-unlock (recorded in the journal).`;
    }
    const where = alive === "unknown" ? " on another host" : "";
    return `${holder.label} is locked by ${who}, still running${where}; wait for it to finish.`;
  });
}
