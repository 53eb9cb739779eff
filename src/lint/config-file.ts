// Finding `.rbx.yaml`: the nearest one in a directory or its ancestors (read by the linter and by the run verbs).
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** The name looked for in each directory. */
export const CONFIG_NAME = ".rbx.yaml";

/** The nearest `.rbx.yaml` in `dir` or one of its ancestors. */
export function findConfigFile(dir: string): string | undefined {
  let cur = resolve(dir);
  for (;;) {
    const candidate = join(cur, CONFIG_NAME);
    if (existsSync(candidate)) return candidate;
    const up = dirname(cur);
    if (up === cur) return undefined;
    cur = up;
  }
}
