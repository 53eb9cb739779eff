// What a project's action definition must be before rbx trusts it: the contract version, a namespaced name, the shape.
import { ACTION_CONTRACT_VERSION } from "../contract/action.js";
import { connectionKinds } from "../contract/connection.js";

const PRIMITIVES = new Set([
  "int",
  "uint",
  "double",
  "bool",
  "string",
  "bytes",
  "null_type",
  "duration",
  "timestamp",
  "semver",
  "dyn",
  "error",
]);

const CONNECTION_KINDS: ReadonlySet<unknown> = new Set(connectionKinds);

/** Action names: dotted camelCase words, at least two (`acme.sync`); the same words the schema accepts. */
const NAME = /^[a-z][a-zA-Z0-9-]*(?:\.[a-z][a-zA-Z0-9-]*)+$/;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Why a value is not a CEL type as `T` builds them, or undefined when it is one. */
function celTypeProblem(t: unknown, at: string): string | undefined {
  if (!isObject(t) || typeof t.kind !== "string")
    return `${at} is not a type; build it with T (T.string, T.object(…))`;
  if (PRIMITIVES.has(t.kind)) return undefined;
  switch (t.kind) {
    case "list":
      return celTypeProblem(t.elem, `${at}.elem`);
    case "map":
      return celTypeProblem(t.key, `${at}.key`) ?? celTypeProblem(t.value, `${at}.value`);
    case "type":
      return t.of === undefined ? undefined : celTypeProblem(t.of, `${at}.of`);
    case "object": {
      if (typeof t.name !== "string" || !isObject(t.fields)) return `${at} needs a name and fields`;
      for (const [k, v] of Object.entries(t.fields)) {
        const p = celTypeProblem(v, `${at}.fields.${k}`);
        if (p) return p;
      }
      return undefined;
    }
    default:
      return `${at} has the unknown kind "${t.kind}"`;
  }
}

/**
 * Everything wrong with one exported definition, for a message that names it; empty when rbx can use it.
 * `reserved` are the namespaces of the built-ins (`helm`, `sql`…), which a project's action may not enter.
 */
export function actionProblems(value: unknown, reserved: ReadonlySet<string>): string[] {
  if (!isObject(value)) return ["it is not an object"];
  const name = typeof value.name === "string" ? value.name : undefined;
  const out: string[] = [];
  if (value.contract === undefined)
    out.push(
      "it carries no contract version: make it with defineAction from rbx-runbooks, which stamps the version it was written for",
    );
  else if (value.contract !== ACTION_CONTRACT_VERSION)
    out.push(
      `it targets action contract v${String(value.contract)}, and this rbx speaks v${ACTION_CONTRACT_VERSION}: install the module's release built for rbx's contract v${ACTION_CONTRACT_VERSION}, or the rbx it was built for`,
    );
  if (name === undefined) out.push("it has no name");
  else if (!NAME.test(name))
    out.push(
      `its name "${name}" is not a namespaced action name: use dotted camelCase words with a namespace of your own, e.g. acme.argocd.sync`,
    );
  else if (reserved.has(name.split(".")[0] as string))
    out.push(
      `its name "${name}" is in the built-in namespace "${name.split(".")[0]}"; put the project's actions in a namespace of their own, e.g. acme.${name}`,
    );
  if (value.effect !== "read" && value.effect !== "write")
    out.push(`its effect must be "read" or "write", not ${JSON.stringify(value.effect)}`);
  if (typeof value.summary !== "string" || value.summary.trim() === "")
    out.push("it needs a one-line summary (shown by rbx schema and in editors)");
  if (!isObject(value.input) || value.input.type !== "object")
    out.push('its input must be a JSON Schema of type "object" (the fields of `with:`)');
  const typeProblem = celTypeProblem(value.output, "its output");
  if (typeProblem) out.push(typeProblem);
  for (const fn of ["plan", "run"])
    if (typeof value[fn] !== "function") out.push(`it needs a function \`${fn}\``);
  for (const fn of ["probe", "before", "credentials", "approvalRequest"])
    if (value[fn] !== undefined && typeof value[fn] !== "function")
      out.push(`its \`${fn}\` must be a function`);
  const kinds = value.connectionKinds;
  if (kinds !== undefined && (!Array.isArray(kinds) || kinds.some((k) => !CONNECTION_KINDS.has(k))))
    out.push(`its connectionKinds must list connection kinds (${[...CONNECTION_KINDS].join(", ")})`);
  if (value.requiresApproval !== undefined && typeof value.requiresApproval !== "boolean")
    out.push("its requiresApproval must be true or false");
  if (value.effect === "read" && (value.probe !== undefined || value.before !== undefined))
    out.push("a read action has nothing to probe: drop `probe` and `before`, or make its effect write");
  return out;
}
