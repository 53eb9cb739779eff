// A params file (`--params-file`, the language server's plan command): JSON or YAML, a map of param names to values.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

/** Read a params file relative to `cwd`; throws with a message that says what is wrong. */
export async function readParamsFile(path: string, cwd: string): Promise<Record<string, unknown>> {
  const text = readFileSync(resolve(cwd, path), "utf8");
  const { parse } = await import("yaml");
  const data = parse(text) as unknown;
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new Error(`${path} must hold a map of param names to values`);
  }
  return data as Record<string, unknown>;
}
