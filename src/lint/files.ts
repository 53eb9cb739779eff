// Turn command-line targets (files, directories, globs) into the runbook files to lint.
import { glob, stat } from "node:fs/promises";
import { basename, isAbsolute, relative, resolve } from "node:path";
import { findRunbookFiles } from "../parser/runbook-files.js";

const GLOB_CHARS = /[*?[\]{}]/;
const SKIP_DIRS = new Set(["node_modules", ".git"]);

/** What the targets expand to: files (display names) and the targets that matched no runbook. */
export interface Expansion {
  files: string[];
  missing: string[];
}

/** A file name as shown in output: relative to cwd when inside it. */
export function displayName(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** A file or directory as `rbx validate` expands it (directories: *.rb.yaml / *.rb.yml, recursively). */
async function expandPath(abs: string): Promise<string[]> {
  const found = await findRunbookFiles(abs);
  return found.ok ? found.files : [];
}

/**
 * Expand targets in order, without duplicates. A target that exists is a file or directory; otherwise,
 * if it has glob characters, each match is (a file as given, a directory searched like `rbx validate`).
 */
export async function expandTargets(targets: readonly string[], cwd: string): Promise<Expansion> {
  const seen = new Set<string>();
  const files: string[] = [];
  const missing: string[] = [];
  const add = (abs: string) => {
    if (!seen.has(abs)) {
      seen.add(abs);
      files.push(displayName(abs, cwd));
    }
  };
  for (const target of targets) {
    const abs = resolve(cwd, target);
    let found = await expandPath(abs);
    if (found.length === 0 && GLOB_CHARS.test(target)) {
      const matched: string[] = [];
      for await (const m of glob(target, { cwd, exclude: (name: string) => SKIP_DIRS.has(basename(name)) })) {
        matched.push(resolve(cwd, m));
      }
      found = [];
      for (const m of matched.sort()) found.push(...((await isFile(m)) ? [m] : await expandPath(m)));
    }
    if (found.length === 0) missing.push(target);
    found.forEach(add);
  }
  return { files, missing };
}
