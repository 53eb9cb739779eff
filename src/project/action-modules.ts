// The `actions:` of `.rbx.yaml`: resolve each module from the project's folder, import it, keep its valid definitions.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isScalar, isSeq, type Node } from "yaml";
import type { ActionModule, AnyAction } from "../contract/action.js";
import { type Diagnostic, diagnostic, type Span } from "../diagnostics/diagnostic.js";
import { configProblem, type ProjectConfigFile, section, spanOf } from "./config-file.js";
import { actionProblems } from "./validate-action.js";

/** How long one module may take to load (a top-level await that never ends must not hang every verb). */
const LOAD_TIMEOUT_MS = 30_000;

/** The project's own actions and where each came from; problems are diagnostics on `.rbx.yaml`'s lines. */
export interface LoadedActions {
  actions: AnyAction[];
  modules: ActionModule[];
  diagnostics: Diagnostic[];
  /** Where each module is listed in `.rbx.yaml`, by its spec, for later problems with its actions. */
  listedAt: Map<string, Span>;
}

/** One entry of `actions:` as written. */
interface ModuleEntry {
  spec: string;
  node: Node;
}

function entriesOf(config: ProjectConfigFile, out: Diagnostic[]): ModuleEntry[] {
  const node = section(config, "actions");
  if (node === undefined || (isScalar(node) && node.value === null)) return [];
  if (!isSeq(node)) {
    out.push(configProblem(config.source, "`actions:` must list module paths or package names", node));
    return [];
  }
  const entries: ModuleEntry[] = [];
  for (const item of node.items as Node[]) {
    if (isScalar(item) && typeof item.value === "string" && item.value.trim() !== "")
      entries.push({ spec: item.value.trim(), node: item });
    else
      out.push(
        configProblem(
          config.source,
          'each entry of `actions:` is a module path ("./rbx-actions/argocd.js") or a package name ("@acme/rbx-actions")',
          item,
        ),
      );
  }
  return entries;
}

const isPath = (spec: string) => spec.startsWith("./") || spec.startsWith("../") || isAbsolute(spec);

/** The file a spec names, resolved from the config's folder by Node's ES module rules; or why not. */
async function resolveModule(spec: string, dir: string): Promise<{ file: string } | { problem: string }> {
  if (isPath(spec)) {
    const file = resolve(dir, spec);
    return existsSync(file)
      ? { file }
      : { problem: `there is no file ${file}; module paths are relative to the folder of .rbx.yaml` };
  }
  const { resolve: resolveSpecifier } = await import("import-meta-resolve");
  try {
    const url = resolveSpecifier(spec, pathToFileURL(join(dir, ".rbx.yaml")).href);
    if (!url.startsWith("file:")) return { problem: `it resolves to ${url}, which is not a file` };
    return { file: fileURLToPath(url) };
  } catch (e) {
    const message = e instanceof Error ? e.message.split("\n")[0] : String(e);
    return {
      problem: `the package cannot be found from ${dir} (${message}); install it in the project (npm install ${spec})`,
    };
  }
}

/** The nearest package.json above a file that names a package: the module's package and version. */
function packageOf(file: string): { name: string; version: string } | undefined {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const pkgFile = join(dir, "package.json");
    if (existsSync(pkgFile)) {
      try {
        const pkg = JSON.parse(readFileSync(pkgFile, "utf8")) as { name?: unknown; version?: unknown };
        if (typeof pkg.name === "string")
          return { name: pkg.name, version: typeof pkg.version === "string" ? pkg.version : "0.0.0" };
      } catch {
        return undefined;
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** What an error thrown by a module says, with the place in the module it came from when the stack tells. */
function thrown(e: unknown, file: string): string {
  const message = e instanceof Error ? e.message : String(e);
  const stack = e instanceof Error ? (e.stack ?? "") : "";
  const url = pathToFileURL(file).href;
  const frame = stack.split("\n").find((l) => l.includes(url) || l.includes(file));
  const at = frame ? /((?:file:\/\/)?\/[^\s()]+:\d+:\d+)/.exec(frame)?.[1] : undefined;
  return `${message.split("\n")[0]}${at ? ` (at ${at.replace(/^file:\/\//, "")})` : ""}`;
}

/** Import with a deadline; a module that throws or never finishes loading is a reason, never a crash. */
async function importModule(
  file: string,
): Promise<{ exports: Record<string, unknown> } | { problem: string }> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<{ problem: string }>((done) => {
    timer = setTimeout(
      () => done({ problem: `it did not finish loading within ${LOAD_TIMEOUT_MS / 1000} s` }),
      LOAD_TIMEOUT_MS,
    );
    timer.unref();
  });
  const loading = import(pathToFileURL(file).href).then(
    (m: Record<string, unknown>) => ({ exports: m }),
    (e: unknown) => ({ problem: `it threw while loading: ${thrown(e, file)}` }),
  );
  try {
    return await Promise.race([loading, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Exports that are meant as action definitions: objects with a name and a `run` (or lists of them). */
function definitionsIn(exports: Record<string, unknown>): { where: string; value: unknown }[] {
  const looks = (v: unknown) =>
    typeof v === "object" && v !== null && !Array.isArray(v) && "name" in v && ("run" in v || "effect" in v);
  const out: { where: string; value: unknown }[] = [];
  const seen = new Set<unknown>();
  for (const [key, value] of Object.entries(exports)) {
    const items = Array.isArray(value)
      ? value.map((v, i) => [`${key}[${i}]`, v] as const)
      : [[key, value] as const];
    for (const [where, v] of items) {
      if (!looks(v) || seen.has(v)) continue;
      seen.add(v);
      out.push({ where: `export ${where}`, value: v });
    }
  }
  return out;
}

/** Load every module `actions:` lists; `reserved` are the built-ins' namespaces, which no project action may enter. */
export async function loadActionModules(
  config: ProjectConfigFile,
  reserved: ReadonlySet<string>,
): Promise<LoadedActions> {
  const diagnostics: Diagnostic[] = [];
  const actions: AnyAction[] = [];
  const modules: ActionModule[] = [];
  const firstBy = new Map<string, ModuleEntry>();
  const listedAt = new Map<string, Span>();
  const dir = dirname(config.path);
  for (const entry of entriesOf(config, diagnostics)) {
    const span = spanOf(config.source, entry.node);
    listedAt.set(entry.spec, span);
    const say = (code: string, message: string) =>
      diagnostics.push(diagnostic(code, "error", `action module ${entry.spec}: ${message}`, span));
    const resolved = await resolveModule(entry.spec, dir);
    if ("problem" in resolved) {
      say("action-module-not-found", resolved.problem);
      continue;
    }
    const loaded = await importModule(resolved.file);
    if ("problem" in loaded) {
      say("action-module-failed", loaded.problem);
      continue;
    }
    const found = definitionsIn(loaded.exports);
    if (found.length === 0) {
      say(
        "action-module-empty",
        "it exports no action definitions; export each one made with defineAction (or a list of them)",
      );
      continue;
    }
    const names: string[] = [];
    for (const { where, value } of found) {
      const problems = actionProblems(value, reserved);
      const def = value as AnyAction;
      const label = typeof def.name === "string" ? `"${def.name}" (${where})` : where;
      if (problems.length > 0) {
        say("invalid-action", `${label} cannot be used: ${problems.join("; ")}`);
        continue;
      }
      const first = firstBy.get(def.name);
      if (first) {
        diagnostics.push(
          diagnostic(
            "duplicate-action",
            "error",
            `action module ${entry.spec}: "${def.name}" is also defined by ${first.spec}; each action name must be defined once`,
            span,
            [{ span: spanOf(config.source, first.node), message: `${first.spec} defines it first` }],
          ),
        );
        continue;
      }
      firstBy.set(def.name, entry);
      actions.push(def);
      names.push(def.name);
    }
    if (names.length === 0) continue;
    const pkg = isPath(entry.spec) ? undefined : packageOf(resolved.file);
    modules.push({
      spec: entry.spec,
      file: resolved.file,
      ...(pkg ? { package: pkg } : {}),
      contentHash: createHash("sha256").update(readFileSync(resolved.file)).digest("hex"),
      actions: names,
    });
  }
  return { actions, modules, diagnostics, listedAt };
}
