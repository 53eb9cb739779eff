// A lock row as PostgreSQL returns it, its holder as journals record it, and whether that holder still runs.
import { hostname } from "node:os";
import type { LockHolder } from "../model/events.js";
import { leaseHolderAlive } from "./liveness.js";

/** A lock row as read. */
export interface LockRow {
  key: string;
  label: string;
  run_id: string;
  token: string;
  holder: { runId: string; pid: number; host: string; startedAt: string; user?: string; role?: string };
  expires_at: Date;
  left_at: Date | null;
  live: boolean;
}

export function holderOf(row: LockRow): LockHolder {
  const h = row.holder;
  // The file store's order of fields (jsonb does not keep it), so journals read the same from either store.
  return {
    runId: row.run_id,
    pid: h.pid,
    host: h.host,
    startedAt: h.startedAt,
    ...(h.user ? { user: h.user } : {}),
    ...(h.role ? { role: h.role } : {}),
    key: row.key,
    label: row.label,
    token: Number(row.token),
    expiresAt: row.expires_at.toISOString(),
  };
}

/**
 * Whether a lock's holder still runs: its lease is live and it has not let go — except that a holder on this
 * very host whose process is gone is known dead at once (its lease need not run out first).
 */
export function rowAlive(row: LockRow): boolean {
  return leaseHolderAlive({ ...row.holder, live: row.live, left: row.left_at !== null });
}

export function isThisProcess(h: LockHolder): boolean {
  return h.pid === process.pid && h.host === hostname();
}
