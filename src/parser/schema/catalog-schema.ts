// The schema a catalog's documents are checked against, compiled once per catalog and process. Reads no YAML, so
// a verb can check a project's catalog (and `rbx schema` print one) without loading the document parser.
import type { ValidateFunction } from "ajv";
import type { ShapeCatalog } from "../catalog.js";
import { runbookSchemaFor } from "./build-schema.js";
import { builtinQuickCheck, builtinValidator } from "./precompiled.js";
import { readSchemaText } from "./runbook-schema.js";
import { compileValidator } from "./schema-validator.js";

/**
 * Which schema to validate with: `key` names it for the cache; `validator` builds its function once; `quick`,
 * when given, builds a check of the same schema that only says whether a document passes (see `quickCheckFor`).
 */
export interface ShapeSchema {
  key: string;
  validator: () => ValidateFunction;
  quick?: () => ValidateFunction | undefined;
}

const compiled = new Map<string, ValidateFunction>();
const quickChecks = new Map<string, ValidateFunction | undefined>();

/**
 * The schema's quick check, built once per schema and process, or undefined when it has none. A document it
 * passes is valid; for one it fails, the full validator (`validatorFor`) gives the errors. The built-in schema's
 * check is precompiled beside its validator and is what a valid runbook loads: the full validator's larger code
 * (every error, each with its failing schema) loads only for a document with a problem in its shape.
 */
export function quickCheckFor(schema: ShapeSchema): ValidateFunction | undefined {
  if (schema.quick === undefined) return undefined;
  if (!quickChecks.has(schema.key)) quickChecks.set(schema.key, schema.quick());
  return quickChecks.get(schema.key);
}

/** Build once per schema and process; validation runs many times (every file of `rbx validate DIR`). */
export function validatorFor(schema: ShapeSchema): ValidateFunction {
  let v = compiled.get(schema.key);
  if (!v) {
    v = schema.validator();
    compiled.set(schema.key, v);
  }
  return v;
}

const catalogKeys = new WeakMap<ShapeCatalog, string>();

/**
 * The schema for a catalog: the committed file for the built-ins (its validator precompiled by the build),
 * generated and compiled now for any other list.
 */
export function schemaFor(catalog: ShapeCatalog): ShapeSchema {
  if (catalog.committedSchema) {
    return {
      key: "builtin",
      validator: () => builtinValidator(readSchemaText()),
      quick: () => builtinQuickCheck(readSchemaText()),
    };
  }
  let key = catalogKeys.get(catalog);
  if (key === undefined) {
    key = `custom-${Math.random().toString(36).slice(2)}`;
    catalogKeys.set(catalog, key);
  }
  return { key, validator: () => compileValidator(runbookSchemaFor(catalog.actions)) };
}

/**
 * Compile a catalog's schema now, kept for every later load: what ajv says when an action's input schema cannot
 * be compiled (a project's own action), or undefined when documents can be checked against it.
 */
export function catalogSchemaProblem(catalog: ShapeCatalog): string | undefined {
  try {
    validatorFor(schemaFor(catalog));
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
