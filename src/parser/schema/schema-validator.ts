// Compiling a runbook schema with ajv (loaded only when needed), each subschema tagged with its JSON pointer.
import { createRequire } from "node:module";
import type { ValidateFunction } from "ajv";
import type { Ajv2020, Options } from "ajv/dist/2020.js";
import type { SchemaNode } from "../catalog.js";

/**
 * The annotation each subschema carries: its JSON pointer from the root. ajv's own `schemaPath` restarts at
 * every `$ref`, and a precompiled validator holds copies of the schema, so errors find their place through
 * `parentSchema[POINTER_KEYWORD]` rather than by object identity.
 */
export const POINTER_KEYWORD = "rbxPointer";

/** The annotation keyword editors show on hover; strict mode needs it declared. */
export const MARKDOWN_DESCRIPTION = "markdownDescription";

/** The ajv options rbx validates with (all errors, the failing schema kept); `code` is added for precompiling. */
export const ajvOptions: Options = {
  allErrors: true,
  verbose: true,
  strict: true,
  strictTypes: false,
  strictRequired: false,
};

/**
 * The quick check's options: the same schema and strictness, stopping at the first error and keeping neither the
 * failing schema nor a message (`$ref`s stay functions of their own: a smaller file). Whether a document passes
 * does not depend on these; a document that fails is checked again with `ajvOptions` for what the user reads.
 */
export const quickAjvOptions: Options = {
  ...ajvOptions,
  allErrors: false,
  verbose: false,
  messages: false,
  inlineRefs: false,
};

/** A 2020-12 ajv instance configured the way rbx validates; ajv loads on the first call, not at start-up. */
export function createAjv(extra: Options = {}): Ajv2020 {
  const { Ajv2020: AjvClass } = createRequire(import.meta.url)(
    "ajv/dist/2020.js",
  ) as typeof import("ajv/dist/2020.js");
  const ajv = new AjvClass({ ...ajvOptions, ...extra });
  ajv.addKeyword({ keyword: POINTER_KEYWORD, schemaType: "string" });
  // The editors' Markdown twin of `description` (yaml-language-server, VS Code): an annotation, like description.
  ajv.addKeyword({ keyword: MARKDOWN_DESCRIPTION, schemaType: "string" });
  return ajv;
}

/** Keywords whose value is data, not a subschema (their objects are never tagged). */
const dataKeywords = new Set(["const", "enum", "default"]);
/** Annotations for people and editors: the validator never reads them, so its (precompiled) copy leaves them out. */
const editorAnnotations = new Set(["title", "description", MARKDOWN_DESCRIPTION, "examples"]);
/** Keywords whose value maps names to subschemas (the map itself is not a schema). */
const mapKeywords = new Set(["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"]);

const isObject = (v: unknown): v is SchemaNode => typeof v === "object" && v !== null && !Array.isArray(v);
const escapePointer = (k: string | number): string => String(k).replace(/~/g, "~0").replace(/\//g, "~1");

function tag(node: SchemaNode, pointer: string): SchemaNode {
  const out: SchemaNode = {};
  for (const [k, v] of Object.entries(node)) {
    const at = `${pointer}/${escapePointer(k)}`;
    if (editorAnnotations.has(k)) continue;
    if (dataKeywords.has(k)) out[k] = v;
    else if (mapKeywords.has(k) && isObject(v))
      out[k] = Object.fromEntries(
        Object.entries(v).map(([n, x]) => [n, isObject(x) ? tag(x, `${at}/${escapePointer(n)}`) : x]),
      );
    else if (Array.isArray(v)) out[k] = v.map((x, i) => (isObject(x) ? tag(x, `${at}/${i}`) : x));
    else if (isObject(v)) out[k] = tag(v, at);
    else out[k] = v;
  }
  out[POINTER_KEYWORD] = pointer;
  return out;
}

/** A copy of `schema` with every subschema tagged with its JSON pointer (`#`, `#/$defs/step`, …). */
export function withPointers(schema: SchemaNode): SchemaNode {
  return tag(JSON.parse(JSON.stringify(schema)) as SchemaNode, "#");
}

/** Compile a schema at run time (custom catalogs in tests, or when no precompiled validator fits). */
export function compileValidator(schema: SchemaNode): ValidateFunction {
  return createAjv().compile(withPointers(schema));
}
