// Ledger vs folder: applied, pending, unknown and modified migrations, and the tracking-desync verdict.
import type { LedgerRow } from "./ledger.js";
import type { MigrationFile } from "./migration-files.js";

/** A ledger row with the file it belongs to ("" when no file matches). */
export interface AppliedMigration extends LedgerRow {
  name: string;
}

/** A ledger row whose file was edited after it was applied. */
export interface ModifiedMigration {
  id: number;
  name: string;
  hash: string;
  fileHash: string;
}

/** What a migration's verify queries found: all objects there, none, or some. */
export type ObjectsState = "present" | "missing" | "partial";

/** A ledger row that claims a migration whose objects are not (all) there. */
export interface DesyncRow extends AppliedMigration {
  objects: ObjectsState;
}

/** The tracking-desync verdict, in the terms of the Scrydon migration document. */
export interface Desync {
  detected: boolean;
  /** True when the affected rows are the newest ones and their migrations left no objects at all. */
  repairable: boolean;
  rows: DesyncRow[];
  message: string;
}

/** The comparison, before verify queries. */
export interface Comparison {
  applied: AppliedMigration[];
  pending: { name: string; hash: string; when: number }[];
  unknown: LedgerRow[];
  modified: ModifiedMigration[];
  /** Pending files older than the newest applied row: Drizzle's migrator will never run them. */
  outOfOrder: string[];
}

/** Match rows to files by hash, then by the journal's `when` (or, lexically ordered, by position); the rest is unknown/pending. */
export function compareLedger(rows: readonly LedgerRow[], files: readonly MigrationFile[]): Comparison {
  const fileOf = new Map<number, MigrationFile>();
  const used = new Set<MigrationFile>();
  const modified: ModifiedMigration[] = [];
  const claim = (row: LedgerRow, file: MigrationFile | undefined, edited: boolean) => {
    if (!file || used.has(file)) return;
    fileOf.set(row.id, file);
    used.add(file);
    if (edited) modified.push({ id: row.id, name: file.name, hash: row.hash, fileHash: file.hash });
  };
  for (const row of rows)
    claim(
      row,
      files.find((f) => !used.has(f) && (f.hash === row.hash || f.rawHash === row.hash)),
      false,
    );
  for (const row of rows) {
    if (!fileOf.has(row.id) && row.createdAt)
      claim(
        row,
        files.find((f) => !used.has(f) && f.when === row.createdAt),
        true,
      );
  }
  // Without a journal there is no `when` to match on: the n-th row belongs to the n-th file.
  for (const [i, row] of rows.entries())
    if (!fileOf.has(row.id) && files[i]?.when === 0) claim(row, files[i], true);
  modified.sort((a, b) => a.id - b.id);
  const newest = Math.max(0, ...rows.map((r) => r.createdAt));
  const pending = files
    .filter((f) => !used.has(f))
    .map((f) => ({ name: f.name, hash: f.hash, when: f.when }));
  return {
    applied: rows.map((r) => ({ ...r, name: fileOf.get(r.id)?.name ?? "" })),
    pending,
    unknown: rows.filter((r) => !fileOf.has(r.id)),
    modified,
    outOfOrder: pending.filter((p) => p.when > 0 && p.when <= newest).map((p) => p.name),
  };
}

/**
 * Combine verify results (per applied row id) into the desync verdict. With `skipUnjudged` (objects derived from
 * the files) a row whose migration creates nothing checkable does not break the contiguous tail, as the
 * migration job itself reads it; with hand-written `verify` lists every later row must be verified missing.
 */
export function desyncOf(
  applied: readonly AppliedMigration[],
  objects: ReadonlyMap<number, ObjectsState>,
  skipUnjudged = false,
): Desync {
  const rows: DesyncRow[] = applied
    .filter((r) => objects.get(r.id) === "missing" || objects.get(r.id) === "partial")
    .map((r) => ({ ...r, objects: objects.get(r.id) as ObjectsState }));
  if (rows.length === 0) {
    return { detected: false, repairable: false, rows, message: "The ledger matches the verified objects." };
  }
  const label = (r: DesyncRow) => r.name || `id ${r.id}`;
  const partial = rows.filter((r) => r.objects === "partial");
  const firstIndex = applied.findIndex((r) => r.id === rows[0]?.id);
  const tail = applied.slice(firstIndex).filter((r) => !skipUnjudged || objects.has(r.id));
  const contiguous = tail.every((r) => objects.get(r.id) === "missing");
  const repairable = partial.length === 0 && contiguous;
  const claim = `the migration tracking table claims ${rows.map(label).join(", ")} applied, but their objects do not exist`;
  const message = repairable
    ? `Tracking desync: ${claim}. The rows are the newest ones and left no objects, so rewinding them ` +
      `(sql.repairTracking, or the service's repairTracking values flag for one upgrade) and re-applying is safe.`
    : `Tracking desync: ${claim}. The state is ${partial.length ? `partial (${partial.map(label).join(", ")} left some objects)` : "non-contiguous (older or unverified rows follow the missing ones)"}; ` +
      `automatic repair refuses this by design — contact support before touching the tracking table.`;
  return { detected: true, repairable, rows, message };
}
