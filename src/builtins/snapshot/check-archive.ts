// Checking a stored snapshot: its checksum still matches the manifest and pg_restore can read its contents.
import { join } from "node:path";
import type { ActionContext } from "../../contract/action.js";
import { ActionError } from "../shared/action-error.js";
import type { Deadline } from "../shared/deadline.js";
import { archiveList } from "./pg-tools.js";
import { digest, readManifest, type SnapshotManifest } from "./store.js";

/** A verified snapshot: its manifest and the archive's table of contents. */
export interface CheckedSnapshot {
  manifest: SnapshotManifest & { path: string };
  list: string[];
}

/** Fail with `checksum-mismatch` or `pg-restore-failed` unless the snapshot is intact and readable. */
export async function checkSnapshot(
  ctx: ActionContext,
  d: Deadline,
  dir: string,
  id: string,
  binDir: string,
): Promise<CheckedSnapshot> {
  const manifest = await readManifest(dir, id);
  const dump = join(manifest.path, manifest.file);
  ctx.log.progress(`checksumming ${id}`);
  const { sha256, size } = await digest(dump).catch((cause: unknown) => {
    throw new ActionError(
      "snapshot-unreadable",
      `The dump of snapshot ${id} is missing or unreadable (${dump})`,
      { cause },
    );
  });
  if (sha256 !== manifest.sha256 || size !== manifest.size) {
    throw new ActionError(
      "checksum-mismatch",
      `Snapshot ${id} was changed after it was taken: sha256 ${sha256.slice(0, 12)}… (${size} bytes) ≠ manifest ${manifest.sha256.slice(0, 12)}… (${manifest.size} bytes); do not restore it`,
      { details: { expected: manifest.sha256, actual: sha256 } },
    );
  }
  const list = await archiveList(ctx, d, binDir, dump);
  return { manifest, list };
}
