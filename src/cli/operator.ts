// Where an operator's runs live and who the operator is, as the CLI reads them from flags and the environment.
import { userInfo } from "node:os";
import { resolve } from "node:path";
import type { CliIO } from "./io.js";

/** `--state-dir`, else RBX_STATE_DIR, else `.rbx` in the working directory. */
export function stateDir(io: CliIO, flag: string | undefined): string {
  return resolve(io.cwd, flag ?? io.env.RBX_STATE_DIR ?? ".rbx");
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
