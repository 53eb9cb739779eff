// A `kind: Fleet` document: loaded with spans, checked against schema/fleet.schema.json, its targets resolved.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Node as YamlNode } from "yaml";
import { compareDiagnostics, type Diagnostic, diagnostic, hasErrors } from "../diagnostics/diagnostic.js";
import { SourceFile } from "../diagnostics/source-file.js";
import { packagePath } from "../package-root.js";
import { compileValidator } from "../parser/schema/schema-validator.js";
import { validateShape } from "../parser/schema/validate-shape.js";
import { parseYaml } from "../parser/yaml-document.js";
import { locate } from "../parser/yaml-path.js";
import { readParamsFile } from "../run/bind/params-file.js";

/** A param value a fleet document may give (params files may give any JSON value). */
export type FleetParamValue = unknown;

/** One target of a fleet, as the controller runs it: its params merged (fleet, params file, own). */
export interface FleetTarget {
  name: string;
  params: Record<string, FleetParamValue>;
  labels: Record<string, string>;
  /** VAR → the name of the controller's environment variable whose value the run gets as VAR. */
  env: Record<string, string>;
}

/** A loaded fleet. */
export interface Fleet {
  name: string;
  description?: string;
  targets: FleetTarget[];
}

/** What loading a fleet file gives: the fleet when it checks, every problem found, and the text. */
export interface FleetLoad {
  fleet?: Fleet;
  diagnostics: Diagnostic[];
  source: SourceFile;
}

/** Where the fleet document's JSON Schema lives (published beside the runbook schema). */
export const fleetSchemaPath = packagePath("schema", "fleet.schema.json");

const fleetSchema = {
  key: "fleet",
  validator: () => compileValidator(JSON.parse(readFileSync(fleetSchemaPath, "utf8"))),
};

/** True when YAML text declares `kind: Fleet` (how validate and lint tell a fleet from a runbook). */
export function isFleetText(text: string): boolean {
  return /^kind:\s*["']?Fleet["']?\s*(#.*)?$/m.test(text);
}

interface RawTarget {
  name: string;
  params?: Record<string, unknown>;
  paramsFile?: string;
  labels?: Record<string, string>;
  env?: Record<string, string>;
}

interface RawFleet {
  metadata: { name: string; description?: string };
  params?: Record<string, unknown>;
  env?: Record<string, string>;
  targets: RawTarget[];
}

/** Load and check a fleet file; never throws for a bad document. */
export async function loadFleetFile(path: string): Promise<FleetLoad> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const source = new SourceFile(path, "");
    const message = `cannot read the fleet file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
    return { diagnostics: [diagnostic("unreadable-file", "error", message, source.span(0, 0))], source };
  }
  return loadFleetText(text, path);
}

/** Load and check fleet text; `file` is the name diagnostics print and params files are relative to. */
export async function loadFleetText(text: string, file: string): Promise<FleetLoad> {
  const source = new SourceFile(file, text);
  const parsed = parseYaml(source);
  if (parsed.fatal) return { diagnostics: parsed.diagnostics, source };
  const data = parsed.doc.toJS() as unknown;
  const diagnostics = [...parsed.diagnostics, ...validateShape(parsed.doc, data, source, fleetSchema)];
  if (hasErrors(diagnostics)) return { diagnostics: diagnostics.sort(compareDiagnostics), source };
  const raw = data as RawFleet;
  const spanOf = (segments: string[]) => {
    const at = locate(parsed.doc, segments);
    const node = (at.node ?? at.deepest) as YamlNode | undefined;
    const range = node?.range;
    return range ? source.span(range[0], range[1]) : source.span(0, 0);
  };
  const seen = new Map<string, number>();
  const byParams = new Map<string, string>();
  const targets: FleetTarget[] = [];
  for (const [i, t] of raw.targets.entries()) {
    const first = seen.get(t.name);
    if (first !== undefined) {
      diagnostics.push(
        diagnostic(
          "duplicate-target",
          "error",
          `Target "${t.name}" is listed twice (also target ${first + 1}); give each target its own name`,
          spanOf(["targets", String(i), "name"]),
          [{ span: spanOf(["targets", String(first), "name"]), message: "first listed here" }],
        ),
      );
      continue;
    }
    seen.set(t.name, i);
    let fromFile: Record<string, unknown> = {};
    if (t.paramsFile !== undefined) {
      try {
        fromFile = await readParamsFile(t.paramsFile, dirname(resolve(file)));
      } catch (err) {
        diagnostics.push(
          diagnostic(
            "unreadable-params-file",
            "error",
            `Cannot read params file ${t.paramsFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; paths are relative to the fleet document`,
            spanOf(["targets", String(i), "paramsFile"]),
          ),
        );
      }
    }
    const params = { ...(raw.params ?? {}), ...fromFile, ...(t.params ?? {}) };
    const key = JSON.stringify(Object.entries(params).sort(([a], [b]) => (a < b ? -1 : 1)));
    const twin = byParams.get(key);
    if (twin !== undefined && Object.keys(params).length > 0) {
      // Two targets with the same params upgrade the same thing twice: almost always a copy-paste slip.
      diagnostics.push(
        diagnostic(
          "same-params-twice",
          "warning",
          `Target "${t.name}" has the same params as "${twin}": both runs would act on the same thing; give each target the params that tell it apart`,
          spanOf(["targets", String(i), "name"]),
        ),
      );
    } else byParams.set(key, t.name);
    targets.push({
      name: t.name,
      params,
      labels: t.labels ?? {},
      env: { ...(raw.env ?? {}), ...(t.env ?? {}) },
    });
  }
  diagnostics.sort(compareDiagnostics);
  if (hasErrors(diagnostics)) return { diagnostics, source };
  return {
    fleet: {
      name: raw.metadata.name,
      ...(raw.metadata.description ? { description: raw.metadata.description } : {}),
      targets,
    },
    diagnostics,
    source,
  };
}

/** Keep the targets whose labels match every `key=value` of a selector; an unknown form is an error. */
export function selectTargets(
  targets: readonly FleetTarget[],
  selector: string | undefined,
): FleetTarget[] | { error: string } {
  if (!selector) return [...targets];
  const pairs: [string, string][] = [];
  for (const part of selector.split(",")) {
    const m = /^([^=\s]+)=(.*)$/.exec(part.trim());
    if (!m) return { error: `--selector takes key=value[,key=value]; got "${part}"` };
    pairs.push([m[1] as string, m[2] as string]);
  }
  return targets.filter((t) => pairs.every(([k, v]) => t.labels[k] === v));
}
