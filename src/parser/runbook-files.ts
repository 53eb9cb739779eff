// Finds runbook files: a file argument as given, a directory searched recursively for *.rb.yaml / *.rb.yml.
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";

/** True for the runbook file suffixes. */
export function isRunbookFile(name: string): boolean {
  return name.endsWith(".rb.yaml") || name.endsWith(".rb.yml");
}

/** What a path argument resolved to: the runbook files under it, or why it cannot be used. */
export type FoundFiles = { ok: true; files: string[] } | { ok: false; reason: string };

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name === "node_modules" || e.name.startsWith(".")) continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) await walk(path, out);
    else if (e.isFile() && isRunbookFile(e.name)) out.push(path);
  }
}

/** Expand one path argument; a file is taken as given whatever its name. */
export async function findRunbookFiles(path: string): Promise<FoundFiles> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch {
    return { ok: false, reason: `${path}: no such file or directory` };
  }
  if (info.isFile()) return { ok: true, files: [path] };
  if (!info.isDirectory()) return { ok: false, reason: `${path}: not a file or directory` };
  const files: string[] = [];
  await walk(path, files);
  return { ok: true, files };
}
