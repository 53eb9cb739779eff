// Where an operator's runs live and who the operator is, as the CLI reads them from flags and the environment.
import { statSync } from "node:fs";
import { userInfo } from "node:os";
import { resolve } from "node:path";
import { CliError } from "./cli-error.js";
import type { CliIO } from "./io.js";

/**
 * `--state-dir`, else RBX_STATE_DIR, else `.rbx` in the working directory. A path that exists but is not a
 * directory is refused here, before any verb reads or writes under it.
 */
export function stateDir(io: CliIO, flag: string | undefined): string {
  const dir = resolve(io.cwd, flag ?? io.env.RBX_STATE_DIR ?? ".rbx");
  const stat = statSync(dir, { throwIfNoEntry: false });
  if (stat !== undefined && !stat.isDirectory()) {
    const given =
      flag !== undefined ? "--state-dir" : io.env.RBX_STATE_DIR ? "RBX_STATE_DIR" : "the state directory";
    throw new CliError(
      `${given} ${dir} is not a directory; give a directory for journals and locks (it is created when missing)`,
    );
  }
  return dir;
}

/** Who is running rbx, as recorded in the journal (RBX_USER overrides for shared accounts). */
export function currentUser(env: Readonly<Record<string, string | undefined>>): string {
  if (env.RBX_USER) return env.RBX_USER;
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? "unknown";
  }
}
