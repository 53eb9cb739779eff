// Editor documentation in the generated schema: every property gets a `markdownDescription` (its description plus a
// YAML example of where it goes), and keyword shapes ajv's strict mode refuses are rewritten into ones it accepts.
import { stringify } from "yaml";
import type { SchemaNode } from "../catalog.js";

const isSchema = (v: unknown): v is SchemaNode => typeof v === "object" && v !== null && !Array.isArray(v);

/** Where the properties of each `$defs` entry sit in a runbook, for the examples (a string: a map key, 0: a list item). */
const DEF_CONTEXT: Record<string, readonly (string | 0)[]> = {
  metadata: ["metadata"],
  param: ["params", "targetVersion"],
  envDecl: ["env", "DATABASE_URL"],
  "connection-kubernetes": ["connections", "cluster"],
  "connection-postgres": ["connections", "db"],
  "connection-http": ["connections", "api"],
  connection: ["connections", "cluster"],
  assertion: ["guards", 0],
  retry: ["retry"],
  stepBody: [],
  phase: ["phases", 0],
};

/** Annotation keywords: they describe a value and say nothing about which values are valid. */
const ANNOTATIONS = ["title", "description", "markdownDescription", "default", "examples", "deprecated"];

/** Keywords that apply to one JSON type only (for splitting a union `type`). */
const TYPE_KEYWORDS: Record<string, readonly string[]> = {
  string: ["minLength", "maxLength", "pattern", "format"],
  number: ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"],
  integer: ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"],
  array: ["items", "prefixItems", "minItems", "maxItems", "uniqueItems", "contains"],
  object: [
    "properties",
    "required",
    "additionalProperties",
    "patternProperties",
    "propertyNames",
    "minProperties",
    "maxProperties",
  ],
};

/**
 * A union `type: [a, b]` as `anyOf` of one type each, every type-specific keyword in its own branch: ajv's strict
 * mode (strictTypes) refuses union types, and the two shapes accept the same values.
 */
export function splitUnionTypes(node: SchemaNode): SchemaNode {
  const out: SchemaNode = {};
  for (const [k, v] of Object.entries(node)) out[k] = mapSubschemas(k, v, splitUnionTypes);
  if (!Array.isArray(out.type)) return out;
  const types = out.type as string[];
  const branches = types.map((t) => {
    const b: SchemaNode = { type: t };
    for (const k of TYPE_KEYWORDS[t] ?? []) if (k in out) b[k] = out[k];
    return b;
  });
  const rest: SchemaNode = {};
  const typed = new Set(Object.values(TYPE_KEYWORDS).flat());
  for (const [k, v] of Object.entries(out)) if (k !== "type" && !typed.has(k)) rest[k] = v;
  return { ...rest, anyOf: [...branches, ...((rest.anyOf as SchemaNode[] | undefined) ?? [])] };
}

/** Keywords whose value is one subschema, a list of them, or a map of them. */
const ONE = ["items", "additionalProperties", "contains", "not", "if", "then", "else", "propertyNames"];
const MANY = ["allOf", "anyOf", "oneOf", "prefixItems"];
const MAP = ["properties", "patternProperties", "$defs", "dependentSchemas"];

function mapSubschemas(key: string, value: unknown, f: (s: SchemaNode) => SchemaNode): unknown {
  if (ONE.includes(key) && isSchema(value)) return f(value);
  if (MANY.includes(key) && Array.isArray(value)) return value.map((x) => (isSchema(x) ? f(x) : x));
  if (MAP.includes(key) && isSchema(value))
    return Object.fromEntries(Object.entries(value).map(([n, x]) => [n, isSchema(x) ? f(x) : x]));
  return value;
}

/** The value a property's example shows: its own `examples`, else what its schema pins down, else undefined. */
function exampleValue(s: SchemaNode): { value: unknown } | undefined {
  if (Array.isArray(s.examples) && s.examples.length > 0) return { value: s.examples[0] };
  if ("const" in s) return { value: s.const };
  if (Array.isArray(s.enum) && s.enum.length > 0)
    return { value: s.enum.find((v) => v !== s.default) ?? s.enum[0] };
  const branches = [s, ...((s.anyOf as SchemaNode[] | undefined) ?? [])];
  if (branches.some((b) => b.type === "boolean")) return { value: s.default !== true };
  for (const b of branches.slice(1)) {
    const inner = isSchema(b) ? exampleValue(b) : undefined;
    if (inner) return inner;
  }
  return undefined;
}

/** `value` placed at `path` (map keys and list items), as a YAML block. */
function yamlAt(path: readonly (string | 0)[], value: unknown): string {
  let nested: unknown = value;
  for (let i = path.length - 1; i >= 0; i--)
    nested = path[i] === 0 ? [nested] : { [path[i] as string]: nested };
  return stringify(nested, { lineWidth: 0 }).trimEnd();
}

/** A description's text as Markdown (descriptions already write names and code in backticks). */
const markdownOf = (description: string, example: string) =>
  `${description}\n\nExample:\n\n\`\`\`yaml\n${example}\n\`\`\``;

/**
 * Give every declared property a `markdownDescription`: its description and a YAML example placed where the
 * property goes in a runbook. A property that only re-mentions one of its schema's own properties (a condition, a
 * oneOf branch) gets the declaration's description, so an editor that shows either shows the same text.
 */
export function documentProperties(schema: SchemaNode): SchemaNode {
  const visit = (node: SchemaNode, pointer: string, context: readonly (string | 0)[]): SchemaNode => {
    const out: SchemaNode = {};
    for (const [k, v] of Object.entries(node)) {
      const at = `${pointer}/${k}`;
      if (k === "$defs" && isSchema(v)) {
        out[k] = Object.fromEntries(
          Object.entries(v).map(([name, def]) => {
            if (!isSchema(def)) return [name, def];
            if (name === "actions")
              return [
                name,
                Object.fromEntries(
                  Object.entries(def).map(([a, s]) => [
                    a,
                    isSchema(s) ? visit(s, `${at}/actions/${a}`, ["with"]) : s,
                  ]),
                ),
              ];
            return [name, visit(def, `${at}/${name}`, DEF_CONTEXT[name] ?? [])];
          }),
        );
      } else if (k === "properties" && isSchema(v)) {
        out[k] = Object.fromEntries(
          Object.entries(v).map(([name, prop]) => {
            if (!isSchema(prop)) return [name, prop];
            const here = [...context, name];
            const documented = visit(prop, `${at}/${name}`, here);
            if (
              typeof documented.markdownDescription !== "string" &&
              typeof documented.description === "string"
            ) {
              const ex = exampleValue(documented);
              if (ex)
                documented.markdownDescription = markdownOf(documented.description, yamlAt(here, ex.value));
            }
            return [name, documented];
          }),
        );
      } else if (k === "items" && isSchema(v)) out[k] = visit(v, at, [...context, 0]);
      else if (k === "additionalProperties" && isSchema(v)) out[k] = visit(v, at, [...context, "name"]);
      else if (ONE.includes(k) && isSchema(v)) out[k] = visit(v, at, context);
      else if (MANY.includes(k) && Array.isArray(v))
        out[k] = v.map((x, i) => (isSchema(x) ? visit(x, `${at}/${i}`, context) : x));
      else out[k] = v;
    }
    copyToMentions(out);
    return out;
  };
  const documented = visit(schema, "#", []);
  // Each action's `with:` as the step that chose it sees it: the action's summary and a minimal `with:`.
  const stepBody = (documented.$defs as SchemaNode).stepBody as SchemaNode;
  const actions = (documented.$defs as SchemaNode).actions as SchemaNode;
  for (const rule of (stepBody.allOf as SchemaNode[] | undefined) ?? []) {
    const name = (((rule.if as SchemaNode).properties as SchemaNode).action as SchemaNode).const as string;
    const withSchema = ((rule.then as SchemaNode).properties as SchemaNode).with as SchemaNode;
    const input = actions[name] as SchemaNode;
    const required = (input.required as string[] | undefined) ?? [];
    const props = (input.properties as SchemaNode | undefined) ?? {};
    const minimal = Object.fromEntries(
      required.map((r) => [r, exampleValue((props[r] as SchemaNode | undefined) ?? {})?.value ?? ""]),
    );
    withSchema.description = `The input of ${name}: ${String(input.description ?? "")}`;
    withSchema.markdownDescription = markdownOf(
      `The input of \`${name}\`: ${String(input.description ?? "")}`,
      stringify({ action: name, with: minimal }, { lineWidth: 0 }).trimEnd(),
    );
  }
  return documented;
}

/** Pointers of the properties that lack a description or a Markdown description with a YAML example (a `true` only names a key). */
export function undocumentedProperties(schema: SchemaNode): string[] {
  const out: string[] = [];
  collectMissing(schema, "#", out);
  return out;
}

/** The subschemas that apply to the same value as `node` (conditions and branches, at any depth). */
function branchesOf(node: SchemaNode, out: SchemaNode[] = []): SchemaNode[] {
  for (const k of ["if", "then", "else", "not"])
    if (isSchema(node[k])) {
      out.push(node[k] as SchemaNode);
      branchesOf(node[k] as SchemaNode, out);
    }
  for (const k of ["allOf", "anyOf", "oneOf"])
    if (Array.isArray(node[k]))
      for (const b of node[k] as unknown[])
        if (isSchema(b)) {
          out.push(b);
          branchesOf(b, out);
        }
  return out;
}

/** Copy a declared property's description and Markdown into the branches of the same schema that re-mention it. */
function copyToMentions(node: SchemaNode): void {
  const declared = isSchema(node.properties) ? node.properties : undefined;
  if (!declared) return;
  for (const b of branchesOf(node)) {
    if (!isSchema(b.properties)) continue;
    for (const [name, mention] of Object.entries(b.properties)) {
      const decl = declared[name];
      if (!isSchema(mention) || !isSchema(decl)) continue;
      for (const k of ["description", "markdownDescription"])
        if (mention[k] === undefined && decl[k] !== undefined) mention[k] = decl[k];
    }
  }
}

function collectMissing(node: unknown, pointer: string, out: string[]): void {
  if (Array.isArray(node)) {
    for (const [i, x] of node.entries()) collectMissing(x, `${pointer}/${i}`, out);
    return;
  }
  if (!isSchema(node)) return;
  for (const [k, v] of Object.entries(node)) {
    if (["const", "enum", "default", "examples"].includes(k)) continue;
    if (k === "properties" && isSchema(v)) {
      for (const [name, prop] of Object.entries(v)) {
        const p = `${pointer}/properties/${name}`;
        if (prop === true) continue; // a branch naming a key it requires; the key's schema is documented where it is defined
        if (
          !isSchema(prop) ||
          typeof prop.description !== "string" ||
          typeof prop.markdownDescription !== "string"
        )
          out.push(p);
        else if (!prop.markdownDescription.includes("```yaml")) out.push(p);
        collectMissing(prop, p, out);
      }
    } else collectMissing(v, `${pointer}/${k}`, out);
  }
}

/** Move a wrapped value's annotations (description, default, examples, …) from its first branch to the wrapper. */
export function hoistAnnotations(wrapper: SchemaNode): SchemaNode {
  const branches = wrapper.anyOf as SchemaNode[];
  const first = branches[0] as SchemaNode;
  const out: SchemaNode = {};
  const inner: SchemaNode = {};
  for (const [k, v] of Object.entries(first)) (ANNOTATIONS.includes(k) ? out : inner)[k] = v;
  return { ...out, anyOf: [inner, ...branches.slice(1)] };
}
