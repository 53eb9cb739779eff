// Checks a parsed document against the JSON Schema with ajv and turns each error into a Diagnostic on its node.
import type { ErrorObject } from "ajv";
import type { Document, Node as YamlNode } from "yaml";
import { type Diagnostic, diagnostic } from "../../diagnostics/diagnostic.js";
import { didYouMean } from "../../diagnostics/did-you-mean.js";
import type { SourceFile } from "../../diagnostics/source-file.js";
import { keyNode, locate, pointerSegments } from "../yaml-path.js";
import { quickCheckFor, type ShapeSchema, validatorFor } from "./catalog-schema.js";
import { schemaErrorMessage } from "./schema-messages.js";
import { POINTER_KEYWORD } from "./schema-validator.js";

export type { ShapeSchema } from "./catalog-schema.js";
export { createAjv } from "./schema-validator.js";

/** Errors that only explain another error (the `if` that chose a branch, the template alternative of an anyOf). */
function isNoise(e: ErrorObject): boolean {
  if (e.keyword === "if" || e.keyword === "anyOf" || e.keyword === "propertyNames") return true;
  if (e.schemaPath.startsWith("#/$defs/template/")) return true;
  // Unknown actions are reported by name, with suggestions from the catalog (see references.ts).
  return e.schemaPath.endsWith("/properties/action/enum");
}

/**
 * Validate `data` (the document as plain JSON) and map every error onto the YAML node it is about. The schema's
 * quick check, when it has one, decides a valid document alone; the full validator (every error, each with its
 * failing schema) runs only when it fails, so every message is the full validator's.
 */
export function validateShape(
  doc: Document.Parsed,
  data: unknown,
  src: SourceFile,
  schema: ShapeSchema,
): Diagnostic[] {
  if (quickCheckFor(schema)?.(data) === true) return [];
  const validate = validatorFor(schema);
  if (validate(data)) return [];
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const raw of mergeTypeErrors(validate.errors ?? [])) {
    const parent = raw.parentSchema?.[POINTER_KEYWORD];
    const e: ErrorObject =
      typeof parent === "string" ? { ...raw, schemaPath: `${parent}/${raw.keyword}` } : raw;
    if (isNoise(e)) continue;
    const segments = pointerSegments(e.instancePath);
    const at = locate(doc, segments);
    let target: YamlNode | undefined;
    if (e.keyword === "additionalProperties") target = keyNode(at.node, String(e.params.additionalProperty));
    else if (e.propertyName !== undefined) target = keyNode(at.node, e.propertyName);
    else if (e.keyword === "required") target = at.key ?? firstKey(at.node);
    else target = at.node ?? at.deepest;
    const range = target?.range ?? at.deepest?.range ?? [0, 0];
    const { code, message } = schemaErrorMessage(e, segments);
    const span = src.span(range[0], range[1]);
    const id = `${span.start.offset}:${code}:${message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const suggestion = e.keyword === "additionalProperties" ? unknownFieldHint(e) : "";
    out.push(diagnostic(code, "error", `${message}${suggestion}`, span));
  }
  return out;
}

/**
 * Alternatives (anyOf) fail one type each: say "an integer or a list" once instead of once per branch. When the
 * value has the type of one alternative and fails its constraint (an empty string where a non-empty string or a
 * boolean belongs), that constraint is the problem: the other alternatives' type errors are left out.
 */
function mergeTypeErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const firstType = new Map<string, ErrorObject>();
  const out: ErrorObject[] = [];
  const constrained = new Set(
    errors
      .filter(
        (e) =>
          e.keyword !== "type" &&
          e.keyword !== "anyOf" &&
          // An `if` failing only says which branch was taken (a CheckLibrary's or a Runbook's).
          e.keyword !== "if" &&
          !e.schemaPath.includes("/$defs/template/"),
      )
      .map((e) => e.instancePath),
  );
  for (const e of errors) {
    if (e.keyword === "type" && constrained.has(e.instancePath)) continue;
    if (e.keyword !== "type") {
      out.push(e);
      continue;
    }
    const prev = firstType.get(e.instancePath);
    if (!prev) {
      const copy = { ...e, params: { ...e.params } };
      firstType.set(e.instancePath, copy);
      out.push(copy);
    } else if (!String(prev.params.type).split(",").includes(String(e.params.type))) {
      prev.params.type = `${String(prev.params.type)},${String(e.params.type)}`;
    }
  }
  return out;
}

/** The first key of a mapping (a step in a list is pointed at by its first line). */
function firstKey(node: YamlNode | undefined): YamlNode | undefined {
  const items = (node as { items?: { key?: YamlNode }[] } | undefined)?.items;
  return items?.[0]?.key ?? node;
}

function unknownFieldHint(e: ErrorObject): string {
  const props = Object.keys((e.parentSchema?.properties as Record<string, unknown> | undefined) ?? {}).filter(
    (p) => p !== "kind" || !e.schemaPath.includes("connection-"),
  );
  const hint = didYouMean(String(e.params.additionalProperty), props);
  return hint !== "" ? hint : ` Remove it; allowed here: ${props.join(", ")}.`;
}
