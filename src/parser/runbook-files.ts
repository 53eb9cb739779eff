// Finds runbook files: a file argument as given, a directory searched recursively for *.rb.yaml / *.rb.yml.
// Synchronous calls: node:fs/promises loads readline, file watchers and more (~3 ms of every cold `rbx validate`),
// and a command line's few paths gain nothing from waiting in parallel.
import { readdirSync, type Stats, statSync } from "node:fs";
import { join } from "node:path";

/** True for the runbook file suffixes. */
export function isRunbookFile(name: string): boolean {
  return name.endsWith(".rb.yaml") || name.endsWith(".rb.yml");
}

/** What a path argument resolved to: the runbook files under it, or why it cannot be used. */
export type FoundFiles = { ok: true; files: string[] } | { ok: false; reason: string };

function walk(dir: string, out: string[]): void {
  const entries = readdirSync(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name === "node_modules" || e.name.startsWith(".")) continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) walk(path, out);
    else if (e.isFile() && isRunbookFile(e.name)) out.push(path);
  }
}

/** Expand one path argument; a file is taken as given whatever its name. */
export async function findRunbookFiles(path: string): Promise<FoundFiles> {
  let info: Stats;
  try {
    info = statSync(path);
  } catch {
    return { ok: false, reason: `${path}: no such file or directory` };
  }
  if (info.isFile()) return { ok: true, files: [path] };
  if (!info.isDirectory()) return { ok: false, reason: `${path}: not a file or directory` };
  const files: string[] = [];
  walk(path, files);
  return { ok: true, files };
}
