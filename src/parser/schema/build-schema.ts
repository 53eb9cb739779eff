// Builds the full JSON Schema: the base shape plus every built-in action's `with:` schema.
import type { ActionShape, SchemaNode } from "../catalog.js";
import { baseSchema } from "./base-schema.js";
import { documentProperties, hoistAnnotations, splitUnionTypes } from "./schema-docs.js";

const templateRef: SchemaNode = { $ref: "#/$defs/template" };

/** Keywords whose value is a subschema, a list of subschemas or a map of subschemas. */
const oneSub = ["items", "additionalProperties", "contains", "not", "if", "then", "else", "propertyNames"];
const manySub = ["allOf", "anyOf", "oneOf", "prefixItems"];
const mapSub = ["properties", "patternProperties", "$defs", "dependentSchemas"];

/** Constraints a `${{ }}` template string would fail although its value, once evaluated, may fit. */
function templateWouldFail(s: SchemaNode): boolean {
  const type = s.type;
  const types = Array.isArray(type) ? type : type === undefined ? [] : [type];
  if (types.length > 0 && !types.includes("string")) return true;
  return ["enum", "const", "pattern", "format", "minLength", "maxLength"].some((k) => k in s);
}

const isSchema = (v: unknown): v is SchemaNode => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Let every typed value inside an action's input also be a template (`replicas: "${{ params.n }}"`):
 * the expression checker types templates; the schema only checks literals. `$ref`s are re-rooted under
 * `#/$defs/actions/<name>` so an action's own `$defs` keep working.
 */
function allowTemplates(s: SchemaNode, root: string, top: boolean): SchemaNode {
  const out: SchemaNode = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === "$ref" && typeof v === "string" && v.startsWith("#/")) out[k] = `${root}/${v.slice(2)}`;
    else if (oneSub.includes(k) && isSchema(v)) out[k] = allowTemplates(v, root, false);
    else if (manySub.includes(k) && Array.isArray(v))
      out[k] = v.map((x) => (isSchema(x) ? allowTemplates(x, root, false) : x));
    else if (mapSub.includes(k) && isSchema(v))
      out[k] = Object.fromEntries(
        Object.entries(v).map(([n, x]) => [n, isSchema(x) ? allowTemplates(x, root, false) : x]),
      );
    else out[k] = v;
  }
  if (top || !templateWouldFail(s)) return out;
  // The description, default and examples stay on the field itself, where editors look for them.
  return hoistAnnotations({ anyOf: [out, templateRef] });
}

/** The complete schema for the given actions (the built-in catalog's is committed as schema/runbook.schema.json). */
export function runbookSchemaFor(actions: readonly ActionShape[]): SchemaNode {
  const schema = splitUnionTypes(structuredClone(baseSchema));
  const defs = schema.$defs as SchemaNode;
  const actionDefs: SchemaNode = {};
  const rules: SchemaNode[] = [];
  for (const a of [...actions].sort((x, y) => (x.name < y.name ? -1 : 1))) {
    const pointer = `#/$defs/actions/${a.name.replace(/~/g, "~0").replace(/\//g, "~1")}`;
    actionDefs[a.name] = splitUnionTypes({
      description: a.summary,
      ...allowTemplates(a.input, pointer, true),
    });
    const required = Array.isArray(a.input.required) && a.input.required.length > 0;
    rules.push({
      if: { properties: { action: { const: a.name } }, required: ["action"] },
      // biome-ignore lint/suspicious/noThenProperty: `then` is a JSON Schema keyword
      then: { properties: { with: { $ref: pointer } }, ...(required ? { required: ["with"] } : {}) },
    });
  }
  defs.actions = actionDefs;
  const stepBody = defs.stepBody as SchemaNode;
  if (rules.length > 0) {
    stepBody.allOf = rules;
    const props = stepBody.properties as SchemaNode;
    const action = props.action as SchemaNode;
    const names = actions.map((a) => a.name).sort();
    props.action = {
      ...action,
      examples: [...new Set([...((action.examples as string[]) ?? []), ...names])],
    };
  }
  return documentProperties(schema);
}

/** The schema as the committed file holds it: stable key order, two-space indent, final newline. */
export function schemaText(schema: SchemaNode): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
