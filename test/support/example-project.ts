// A project that installed an example action package the way a team installs one (a copy under node_modules,
// rbx beside it), with .rbx.yaml listing it: what the CLI tests and lab rehearsals of the examples run in.
import { cpSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type ProjectDir, projectDir, RBX_ROOT } from "./project-dir.js";

/** Install `examples/<name>` as its package.json names it, and list it (plus `extra` specs) under `actions:`. */
export function exampleProject(name: string, extra: string[] = []): ProjectDir & { packageName: string } {
  const from = join(RBX_ROOT, "examples", name);
  const { name: packageName } = JSON.parse(readFileSync(join(from, "package.json"), "utf8")) as {
    name: string;
  };
  const p = projectDir(`example-${name}`);
  cpSync(from, join(p.dir, "node_modules", packageName), {
    recursive: true,
    filter: (src) => !src.includes(`${name}/test`) && !src.endsWith("/runbooks"),
  });
  const specs = [packageName, ...extra].map((s) => `  - ${JSON.stringify(s)}`).join("\n");
  p.write(".rbx.yaml", `actions:\n${specs}\n`);
  return { ...p, packageName };
}

/** Copy an example's runbook into the project's runbooks/ folder; returns its path relative to the project. */
export function exampleRunbook(p: ProjectDir, example: string, file: string): string {
  p.write(
    join("runbooks", file),
    readFileSync(join(RBX_ROOT, "examples", example, "runbooks", file), "utf8"),
  );
  return join("runbooks", file);
}
