// The snapshot store: one directory per snapshot id holding the dump and its manifest.json.
import { existsSync } from "node:fs";
import { open, readdir, readFile, stat } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { T } from "../../contract/cel-types.js";
import { ActionError } from "../shared/action-error.js";

/** What snapshot.create records next to the dump; also the output of create and the rows of list. */
export interface SnapshotManifest {
  id: string;
  database: string;
  connection: string;
  label: string;
  format: "custom" | "directory";
  /** The dump inside the snapshot directory: `dump` (a file) or `dump.d` (a directory). */
  file: string;
  serverVersion: string;
  pgDumpVersion: string;
  size: number;
  sha256: string;
  /** Entries in the archive's table of contents (pg_restore --list). */
  entries: number;
  createdAt: string;
}

/** The manifest's CEL type, shared by create, list and verify outputs. */
export const manifestType = T.object("snapshot.manifest", {
  id: T.string,
  database: T.string,
  connection: T.string,
  label: T.string,
  format: T.string,
  file: T.string,
  serverVersion: T.string,
  pgDumpVersion: T.string,
  size: T.int,
  sha256: T.string,
  entries: T.int,
  createdAt: T.string,
  path: T.string,
});

/** The snapshots directory: the step's `dir`, the connection's `snapshotsDir`, RBX_SNAPSHOTS_DIR, or .rbx/snapshots. */
export function snapshotsDir(
  dir: string | undefined,
  fromConnection: string | undefined,
  env: Record<string, string | undefined>,
) {
  return resolve(dir ?? fromConnection ?? env.RBX_SNAPSHOTS_DIR ?? join(".rbx", "snapshots"));
}

/** A new id: database, UTC time and a random suffix — sortable, unique, safe as a directory name. */
export function newSnapshotId(database: string, now = new Date()): string {
  const slug =
    database
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")
      .slice(0, 40) || "db";
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `${slug}-${stamp}-${crypto().randomBytes(3).toString("hex")}`;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** The directory of snapshot `id`, refusing ids that could escape the store. */
export function snapshotPath(dir: string, id: string): string {
  if (!ID.test(id))
    throw new ActionError("invalid-snapshot-id", `"${id}" is not a snapshot id (see snapshot.list)`);
  return join(dir, id);
}

/** crypto loads on first use, not with the catalog (`rbx validate` never hashes). */
const crypto = () => process.getBuiltinModule("node:crypto");

/** Bytes read per call while hashing: few calls, and one reused buffer, so a big dump leaves no garbage. */
const HASH_CHUNK = 4 << 20;

async function fileSha(path: string): Promise<string> {
  const hash = crypto().createHash("sha256");
  const file = await open(path, "r");
  try {
    const buffer = Buffer.allocUnsafe(HASH_CHUNK);
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, HASH_CHUNK, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await file.close();
  }
  return hash.digest("hex");
}

async function filesUnder(root: string, dir = root): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(root, p)));
    else out.push(relative(root, p));
  }
  return out.sort();
}

/** sha256 and size of a dump file, or of a directory (sha256 over "path sha256" lines, sorted). */
export async function digest(path: string): Promise<{ sha256: string; size: number }> {
  const info = await stat(path);
  if (!info.isDirectory()) return { sha256: await fileSha(path), size: info.size };
  const lines: string[] = [];
  let size = 0;
  for (const rel of await filesUnder(path)) {
    lines.push(`${rel} ${await fileSha(join(path, rel))}`);
    size += (await stat(join(path, rel))).size;
  }
  return { sha256: crypto().createHash("sha256").update(lines.join("\n")).digest("hex"), size };
}

/** Read the manifest of snapshot `id` in `dir`. */
export async function readManifest(dir: string, id: string): Promise<SnapshotManifest & { path: string }> {
  const path = snapshotPath(dir, id);
  const file = join(path, "manifest.json");
  if (!existsSync(file)) {
    throw new ActionError(
      "snapshot-not-found",
      `No snapshot "${id}" in ${dir}; list them with snapshot.list`,
    );
  }
  try {
    return { ...(JSON.parse(await readFile(file, "utf8")) as SnapshotManifest), path };
  } catch (cause) {
    throw new ActionError("invalid-manifest", `${file} is not a readable manifest`, { cause });
  }
}

/** Every complete snapshot in `dir` (with a manifest), newest first. */
export async function listManifests(dir: string): Promise<(SnapshotManifest & { path: string })[]> {
  if (!existsSync(dir)) return [];
  const out: (SnapshotManifest & { path: string })[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && ID.test(entry.name) && existsSync(join(dir, entry.name, "manifest.json"))) {
      out.push(await readManifest(dir, entry.name));
    }
  }
  return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
}
