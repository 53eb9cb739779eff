// Times measured while a run goes, as an operator reads them: 850ms, 12.4s, 3m05s, 1h02m.

/**
 * How long something took or still waits, compactly, for the live view, the log and the reports; negative
 * or non-finite input shows as "-". Not a runbook duration: durations a runbook writes are spelled by
 * `formatDuration` in duration.ts.
 */
export function formatElapsed(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "-";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const totalS = Math.floor(ms / 1000);
  if (totalS < 3600) return `${Math.floor(totalS / 60)}m${String(totalS % 60).padStart(2, "0")}s`;
  const totalM = Math.floor(totalS / 60);
  return `${Math.floor(totalM / 60)}h${String(totalM % 60).padStart(2, "0")}m`;
}
