// Where `.rbx.yaml` is: the nearest one above a folder. Reads no YAML, so a verb without a config loads no parser.
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
