// Run ids, exit codes and lock-conflict messages the operator verbs share.
import { type AnyAction, findAction } from "../builtins/index.js";
import type { LockConflict, RunStore } from "./run-store.js";
import type { RunStatus } from "./state.js";

/** The documented exit codes. */
export const EXIT_CODES = { completed: 0, failed: 1, usage: 2, halted: 3, interrupted: 130 } as const;

/** The exit code for the status a run reached; a rollback the operator asked for succeeds with 0. */
export function exitCodeFor(status: RunStatus, operatorRollback = false): number {
  switch (status) {
    case "completed":
      return 0;
    case "rolled-back":
      return operatorRollback ? 0 : 1;
    case "halted":
      return 3;
    case "interrupted":
      return 130;
    default:
      return 1;
  }
}

/** A lookup over the catalog in use. */
export function actionLookup(catalog?: readonly AnyAction[]): (name: string) => AnyAction | undefined {
  if (!catalog) return findAction;
  const m = new Map(catalog.map((a) => [a.name, a]));
  return (name) => m.get(name);
}

/** A sortable, typeable run id: UTC date and time plus a random suffix. */
export function newRunId(now = new Date()): string {
  const iso = now.toISOString();
  const stamp = `${iso.slice(0, 10).replaceAll("-", "")}-${iso.slice(11, 19).replaceAll(":", "")}`;
  const rand = Math.floor(Math.random() * 0x10000)
    .toString(16)
    .padStart(4, "0");
  return `${stamp}-${rand}`;
}

/** Find a run by id or unique prefix; `undefined` means the newest. */
export async function resolveRunId(
  store: RunStore,
  id: string | undefined,
): Promise<string | { error: string }> {
  const all = await store.list();
  if (all.length === 0) return { error: `no runs under ${store.location}` };
  if (id === undefined || id === "latest") return all[all.length - 1] as string;
  if (all.includes(id)) return id;
  const matches = all.filter((r) => r.startsWith(id));
  if (matches.length === 1) return matches[0] as string;
  if (matches.length > 1) return { error: `"${id}" matches several runs: ${matches.join(", ")}` };
  return { error: `no run "${id}" under ${store.location}; \`rbx runs\` lists them` };
}

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
