// Who holds a target's lock, in words: a run at work, a halted run waiting for the operator, a crashed run, or nobody.
import { hostname } from "node:os";
import { formatActor } from "../model/events.js";
import { rbxCommand } from "../model/recovery-choices.js";
import { foldEvents, type RunState } from "../model/state.js";
import type { LockConflict, RunStore } from "../store/run-store.js";

/**
 * What the holder's journal and process say about a lock: the one place lock holders are judged, so a store
 * with leases and fencing can add its own kinds (a lease that expired, a token fenced off) here.
 */
export type HolderStanding =
  /**
   * A process runs it: on this host (`here`), or possibly on another host, whose processes rbx cannot see
   * (`elsewhere`), or it renews a lease in a store that has them (`lease`: known from any machine).
   */
  | { kind: "running"; where: "here" | "elsewhere" | "lease" }
  /** It stopped for the operator, who must resume, roll back or finish it: its lock is kept on purpose. */
  | {
      kind: "waiting";
      status: "halted" | "interrupted";
      why: string;
      step?: string;
      since: string;
      by?: string;
    }
  /**
   * Its journal stops mid-run and its process is gone (or its lease ran out: `expired`): it crashed or was
   * killed; resume or roll it back.
   */
  | { kind: "crashed"; step?: string; since?: string; by?: string; expired?: string }
  /** Nothing is left to wait for: its journal is missing, or it ended and the lock was left behind. */
  | { kind: "gone"; why: string };

/** Judge a lock's holder from its run's journal (undefined when there is none) and whether its process lives. */
export function holderStanding(conflict: LockConflict, state: RunState | undefined): HolderStanding {
  const { alive, holder } = conflict;
  // A lease says from any machine that its holder runs; without one, only this host's PIDs tell.
  const leased = holder.expiresAt !== undefined && holder.host !== hostname();
  const running = (): HolderStanding => ({
    kind: "running",
    where: alive === true ? (leased ? "lease" : "here") : "elsewhere",
  });
  if (!state?.started) {
    // A run takes its locks a moment before it creates its journal.
    if (alive !== false) return running();
    return { kind: "gone", why: `no journal of run ${holder.runId} and its process ${holder.pid} is gone` };
  }
  const by = state.runner ? formatActor(state.runner) : undefined;
  const withBy = by ? { by } : {};
  if (state.status === "halted" && state.halt) {
    return {
      kind: "waiting",
      status: "halted",
      why: state.halt.reason,
      ...(state.halt.step ? { step: state.halt.step } : {}),
      since: state.halt.at,
      ...withBy,
    };
  }
  if (state.status === "interrupted" && state.interrupted) {
    return {
      kind: "waiting",
      status: "interrupted",
      why: `interrupted by ${state.interrupted.signal}`,
      ...(state.interrupted.step ? { step: state.interrupted.step } : {}),
      since: state.interrupted.at,
      ...withBy,
    };
  }
  if (state.status === "running" || state.status === "rolling-back") {
    if (alive !== false) return running();
    return {
      kind: "crashed",
      ...(state.lastStep ? { step: state.lastStep } : {}),
      ...(state.last ? { since: state.last.at } : {}),
      ...withBy,
      ...(leased && holder.expiresAt ? { expired: holder.expiresAt } : {}),
    };
  }
  // Completed, rolled back or failed: the process is finishing (unlocking), or the lock was left behind.
  if (alive === true) return running();
  return { kind: "gone", why: `run ${holder.runId} ${state.status} and its process is gone` };
}

/** A lock as `rbx status` lists it: who holds it and in what standing. */
export interface LockDescription {
  label: string;
  /** `this run`, or `run ID`. */
  holder: string;
  /** The standing in a few words: `running (pid 4242 on ops-1)`, `kept: halted at migrate since …, waiting for the operator`. */
  state: string;
  /** Whether taking it over with `--force-unlock` is the advice: only when the holder is really gone. */
  forceUnlock: boolean;
}

/** Describe one lock for `rbx status`; `self` is the run being looked at. */
export function describeLock(
  conflict: LockConflict,
  standing: HolderStanding,
  self?: string,
): LockDescription {
  const { holder } = conflict;
  const base = {
    label: holder.label,
    holder: holder.runId === self ? "this run" : `run ${holder.runId}`,
  };
  switch (standing.kind) {
    case "running":
      return {
        ...base,
        state:
          standing.where === "here"
            ? `running (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt})`
            : standing.where === "lease"
              ? `running (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt}; lease renewed until ${holder.expiresAt})`
              : `held from ${holder.host} (pid ${holder.pid}, since ${holder.startedAt}); rbx cannot see that host's processes`,
        forceUnlock: false,
      };
    case "waiting":
      return {
        ...base,
        state: `kept: held by ${standing.status} run ${holder.runId}, ${waiting(standing)}, waiting for the operator`,
        forceUnlock: false,
      };
    case "crashed":
      return {
        ...base,
        state: `held by a crashed run (${gone(conflict, standing)}${standing.step ? `; it was at ${standing.step}` : ""})`,
        forceUnlock: false,
      };
    case "gone":
      return { ...base, state: `left behind: ${standing.why}`, forceUnlock: true };
  }
}

/** Why another run cannot take a lock, and what the operator can do about it. */
export function refusalFor(conflict: LockConflict, standing: HolderStanding, stateDir?: string): string {
  const { holder } = conflict;
  const run = `run ${holder.runId}`;
  const status = `\`${rbxCommand(["status", holder.runId], stateDir)}\``;
  switch (standing.kind) {
    case "running": {
      const by = holder.user ? ` by ${holder.user}` : "";
      if (standing.where === "here")
        return `${holder.label} is locked by ${run}, still running (pid ${holder.pid} on ${holder.host}${by}, since ${holder.startedAt}); wait for it to finish (${status} shows where it stands).`;
      if (standing.where === "lease")
        return `${holder.label} is locked by ${run}, still running (pid ${holder.pid} on ${holder.host}${by}, since ${holder.startedAt}; its lease is renewed, until ${holder.expiresAt}); wait for it to finish (${status} shows where it stands, from any machine).`;
      return `${holder.label} is locked by ${run}, still running on another host as far as rbx can tell (pid ${holder.pid} on ${holder.host}${by}, since ${holder.startedAt}); wait for it, or look on ${holder.host}. Only if that process is gone, --force-unlock takes the lock (recorded in the journal).`;
    }
    case "waiting":
      return `${holder.label} is held by ${standing.status} ${run}, ${waiting(standing)}: it waits for the operator, and its lock is kept so nothing else changes the target meanwhile. Finish that run first — resume it or roll it back, from any machine that shares the store (${status} lists its choices).`;
    case "crashed":
      return `${holder.label} is locked by ${run}, which crashed${standing.step ? ` at ${standing.step}` : ""} (${gone(conflict, standing)}${standing.since ? `; last journaled ${standing.since}` : ""}). Resume or roll back that run (${status}): a step it had started may have changed the target.`;
    case "gone":
      return `${holder.label} is locked by ${run}, which is gone (${standing.why}); pass --force-unlock to take the lock (recorded in the journal).`;
  }
}

/** "halted at step Y by user@host at T (reason)": how a run waiting for the operator is described. */
function waiting(s: Extract<HolderStanding, { kind: "waiting" }>): string {
  const at = s.step ? ` at step ${s.step}` : "";
  const by = s.by ? ` by ${s.by}` : "";
  return s.status === "halted"
    ? `halted${at}${by} at ${s.since} (${s.why})`
    : `${s.why}${at}${by} at ${s.since}`;
}

/** How a crashed holder is known gone: its lease ran out (from any machine), or its PID is gone on its host. */
function gone(c: LockConflict, s: Extract<HolderStanding, { kind: "crashed" }>): string {
  return s.expired ? `its lease expired at ${s.expired}` : `pid ${c.holder.pid} on ${c.holder.host} is gone`;
}

/** The standing of each conflict's holder, read from the store (a journal that cannot be read counts as none). */
export async function standings(
  store: RunStore,
  conflicts: readonly LockConflict[],
  known?: RunState,
): Promise<HolderStanding[]> {
  const out: HolderStanding[] = [];
  for (const c of conflicts) {
    let state: RunState | undefined = known?.runId === c.holder.runId ? known : undefined;
    if (!state) {
      try {
        const read = await store.read(c.holder.runId);
        state = foldEvents(c.holder.runId, read.events);
      } catch {
        state = undefined;
      }
    }
    out.push(holderStanding(c, state));
  }
  return out;
}

/** Describe the conflicts that kept a run from its locks: who holds each target and what to do. */
export async function describeConflicts(
  store: RunStore,
  conflicts: readonly LockConflict[],
  stateDir?: string,
): Promise<string[]> {
  const judged = await standings(store, conflicts);
  return conflicts.map((c, i) => refusalFor(c, judged[i] as HolderStanding, stateDir));
}
