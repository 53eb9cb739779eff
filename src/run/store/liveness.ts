// Whether a lock's holder still runs: a live lease says so from any machine; a PID only on its own host.
import { hostname } from "node:os";

/** Is a process alive on this host? Signal 0 probes without touching it. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Whether a lock holder without a lease still runs: known on this host, unknown elsewhere. */
export function holderAlive(holder: { host: string; pid: number }): boolean | "unknown" {
  if (holder.host !== hostname()) return "unknown";
  return processAlive(holder.pid);
}

/**
 * Whether a holder with a lease still runs: its lease is live and it has not let go (halted or interrupted
 * runs let go) — except that a holder on this very host whose process is gone is known dead at once.
 * The one rule for store lock rows and Kubernetes Leases alike.
 */
export function leaseHolderAlive(h: { host: string; pid: number; live: boolean; left: boolean }): boolean {
  if (h.left || !h.live) return false;
  return h.host === hostname() ? processAlive(h.pid) : true;
}
