// Reading literal values out of `with:` maps, and what a step acts on (release, object, database), for the rules.
import type { Runbook, Step, ValueNode } from "../parser/ast.js";
import { withEntry, withValue } from "./context.js";

/** A literal (non-template) string, else undefined. */
export function literalString(v: ValueNode | undefined): string | undefined {
  return v?.kind === "string" && !v.template ? v.value : undefined;
}

/** True only for a literal `true`. */
export function literalTrue(v: ValueNode | undefined): boolean {
  return v?.kind === "bool" && v.value;
}

/** True only for a literal `false`. */
export function literalFalse(v: ValueNode | undefined): boolean {
  return v?.kind === "bool" && !v.value;
}

/** The value at a key path of a map value (`["spec", "replicas"]`). */
export function valueAtPath(v: ValueNode | undefined, path: readonly string[]): ValueNode | undefined {
  let cur = v;
  for (const key of path) {
    if (cur?.kind !== "map") return undefined;
    cur = cur.entries.find((e) => e.key.value === key)?.value;
  }
  return cur;
}

/**
 * Two values that name the same thing as far as lint can tell: equal literals, or either side a template (its
 * value is known only at run time, so it may be the same).
 */
export function maySame(a: ValueNode | undefined, b: ValueNode | undefined): boolean {
  const x = literalString(a);
  const y = literalString(b);
  return x === undefined || y === undefined || x === y;
}

/** The helm release a helm.* step acts on. */
export function helmRelease(step: Step): ValueNode | undefined {
  return withValue(step, "release");
}

/** Kinds compared without case and with kubectl's short names folded (deploy → deployment). */
const KIND_ALIASES: Record<string, string> = {
  deploy: "deployment",
  deployments: "deployment",
  sts: "statefulset",
  statefulsets: "statefulset",
  ds: "daemonset",
  daemonsets: "daemonset",
  pvc: "persistentvolumeclaim",
  persistentvolumeclaims: "persistentvolumeclaim",
};

/** A kind name folded for comparison (lower case, kubectl's aliases resolved); undefined when templated. */
export function kindName(step: Step): string | undefined {
  const k = literalString(withValue(step, "kind"))?.toLowerCase();
  return k === undefined ? undefined : (KIND_ALIASES[k] ?? k);
}

/** Workload kinds whose change rolls pods (a rollout to wait for). */
export const WORKLOAD_KINDS = new Set(["deployment", "statefulset", "daemonset"]);

/** True when two kubectl steps may act on the same object (kind and name equal, or templated). */
export function sameObject(a: Step, b: Step): boolean {
  const ka = kindName(a);
  const kb = kindName(b);
  const kindsMatch = ka === undefined || kb === undefined || ka === kb;
  return kindsMatch && maySame(withValue(a, "name"), withValue(b, "name"));
}

/** True for a kubectl step on a custom resource: an `apiVersion` of a group Kubernetes does not ship. */
export function customResource(step: Step): boolean {
  const api = literalString(withValue(step, "apiVersion"));
  if (api === undefined) return withEntry(step, "apiVersion") !== undefined;
  const group = api.includes("/") ? api.slice(0, api.indexOf("/")) : "";
  return group !== "" && !BUILTIN_GROUPS.has(group) && !group.endsWith(".k8s.io");
}

const BUILTIN_GROUPS = new Set(["apps", "batch", "policy", "autoscaling"]);

/**
 * The postgres connection a sql.* or snapshot.* step uses: its literal `connection`, else the runbook's only
 * postgres connection. undefined when it cannot be told (a template, or several connections and none named).
 */
export function pgConnection(step: Step, runbook: Runbook): string | undefined {
  const given = withValue(step, "connection");
  if (given) return literalString(given);
  const pg = runbook.connections.filter((c) => c.kind === "postgres");
  return pg.length === 1 ? pg[0]?.name.value : undefined;
}

/** True when two sql/snapshot steps may use the same database connection. */
export function sameConnection(a: Step, b: Step, runbook: Runbook): boolean {
  const x = pgConnection(a, runbook);
  const y = pgConnection(b, runbook);
  return x === undefined || y === undefined || x === y;
}
