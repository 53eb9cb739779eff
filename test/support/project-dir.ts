// A throwaway project folder for tests of `.rbx.yaml` and action modules: files written in place, rbx installed as
// node_modules/rbx-runbooks (a link to this checkout, whose dist/ the modules import), removed afterwards.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

/** The repository root: what `import … from "rbx-runbooks"` resolves to inside a project. */
export const RBX_ROOT = resolve(import.meta.dirname, "..", "..");

/** A project folder with rbx installed. */
export interface ProjectDir {
  dir: string;
  /** Write a file (folders created); returns its absolute path. */
  write(path: string, text: string): string;
  remove(): void;
}

/** Make a project folder under the OS temp dir. */
export function projectDir(prefix: string): ProjectDir {
  const dir = mkdtempSync(join(tmpdir(), `rbx-${prefix}-`));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(RBX_ROOT, join(dir, "node_modules", "rbx-runbooks"), "dir");
  return {
    dir,
    write(path, text) {
      const file = join(dir, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      return file;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
