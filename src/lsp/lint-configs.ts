// The `.rbx.yaml` that `rbx lint` would use for a file (the nearest one above it), reloaded when it changes,
// so the editor reports exactly what `rbx lint` reports.
import { statSync } from "node:fs";
import { dirname } from "node:path";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { EMPTY_CONFIG, findConfigFile, type LintConfig, loadConfig } from "../lint/config.js";

/** A config and the problems that make `rbx lint` refuse it. */
export interface ConfigLoad {
  config: LintConfig;
  diagnostics: Diagnostic[];
}

const NONE: ConfigLoad = { config: EMPTY_CONFIG, diagnostics: [] };

/** Configs by path, each kept until its file's modification time changes. */
export class LintConfigs {
  private readonly byPath = new Map<string, { mtime: number; load: Promise<ConfigLoad> }>();

  /** The config for a runbook at `path` (absolute); none for documents that are not files. */
  async forFile(path: string | undefined): Promise<ConfigLoad> {
    if (!path) return NONE;
    const file = findConfigFile(dirname(path));
    if (!file) return NONE;
    let mtime: number;
    try {
      mtime = statSync(file).mtimeMs;
    } catch {
      return NONE;
    }
    let hit = this.byPath.get(file);
    if (!hit || hit.mtime !== mtime) {
      hit = { mtime, load: loadConfig(file).catch(() => NONE) };
      this.byPath.set(file, hit);
    }
    return hit.load;
  }
}
