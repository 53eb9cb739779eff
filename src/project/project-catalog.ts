// The one way every verb (and the language server) builds a runbook's action catalog: built-ins plus `.rbx.yaml`'s modules.
import { dirname, resolve } from "node:path";
import { builtinCatalog } from "../builtins/index.js";
import type { ActionCatalog, AnyAction } from "../contract/action.js";
import { catalogOf } from "../contract/action.js";
import { type Diagnostic, diagnostic, hasErrors } from "../diagnostics/diagnostic.js";
import type { SourceFile } from "../diagnostics/source-file.js";
import { findConfigFile } from "./config-path.js";

/** A runbook's catalog, the config it came from, and the problems of that config's `actions:`. */
export interface ProjectCatalog {
  catalog: ActionCatalog;
  /** The `.rbx.yaml` used, when one was found. */
  configFile?: string;
  /** Problems of the config and its action modules; on errors `catalog` holds the built-ins and the good modules. */
  diagnostics: Diagnostic[];
  /** The config's text, for showing diagnostics with their line. */
  source?: SourceFile;
}

/** Where to look: a runbook file (its folder and up), or a directory; `configFile` overrides the search. */
export interface CatalogQuery {
  near: string;
  configFile?: string;
}

/** The namespaces of the built-in actions (`helm`, `sql`, `exec`…): a project's own actions stay out of them. */
const reserved: ReadonlySet<string> = new Set(
  builtinCatalog.actions.map((a) => a.name.split(".")[0] as string),
);

const cache = new Map<string, Promise<ProjectCatalog>>();

/** The catalog for a runbook (or folder): read once per config file and process, as modules load only once. */
export function projectCatalog(query: CatalogQuery, isDirectory = false): Promise<ProjectCatalog> {
  const from = isDirectory ? resolve(query.near) : dirname(resolve(query.near));
  const configFile = query.configFile ? resolve(query.configFile) : findConfigFile(from);
  if (configFile === undefined) return Promise.resolve({ catalog: builtinCatalog, diagnostics: [] });
  let known = cache.get(configFile);
  if (!known) {
    known = build(configFile);
    cache.set(configFile, known);
  }
  return known;
}

async function build(configFile: string): Promise<ProjectCatalog> {
  // The YAML reader and module loader load only when there is a config to read.
  const [{ readConfigFile }, { loadActionModules }, { catalogSchemaProblem }] = await Promise.all([
    import("./config-file.js"),
    import("./action-modules.js"),
    import("../parser/schema/catalog-schema.js"),
  ]);
  const config = readConfigFile(configFile);
  const base = { configFile, source: config.source };
  if (hasErrors(config.diagnostics))
    return { ...base, catalog: builtinCatalog, diagnostics: config.diagnostics };
  const loaded = await loadActionModules(config, reserved);
  if (loaded.actions.length === 0)
    return { ...base, catalog: builtinCatalog, diagnostics: loaded.diagnostics };
  const diagnostics = [...loaded.diagnostics];
  let own = loaded.actions;
  let catalog = catalogOf([...builtinCatalog.actions, ...own], loaded.modules);
  if (catalogSchemaProblem(catalog) !== undefined) {
    // Find the definitions whose input schema ajv refuses, say so on their module's line, and leave them out.
    const broken = new Map<AnyAction, string>();
    for (const a of own) {
      const problem = catalogSchemaProblem(catalogOf([a]));
      if (problem !== undefined) broken.set(a, problem);
    }
    for (const [a, problem] of broken) {
      const module = loaded.modules.find((m) => m.actions.includes(a.name));
      diagnostics.push(
        diagnostic(
          "invalid-action",
          "error",
          `action module ${module?.spec ?? "?"}: "${a.name}" cannot be used: its input schema does not compile (${problem})`,
          (module && loaded.listedAt.get(module.spec)) ?? config.source.span(0, 0),
        ),
      );
    }
    own = own.filter((a) => !broken.has(a));
    const modules = loaded.modules
      .map((m) => ({ ...m, actions: m.actions.filter((n) => own.some((a) => a.name === n)) }))
      .filter((m) => m.actions.length > 0);
    catalog = catalogOf([...builtinCatalog.actions, ...own], modules);
  }
  return { ...base, catalog, diagnostics };
}
