// The resource types the stand-in serves: the built-in kinds and the configured custom resources.

/** One REST resource (as in an APIResourceList). */
export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  /** Subresources served, e.g. "status", "scale", "log". */
  subresources: string[];
  /** Whether writes to the main resource bump metadata.generation on spec change. */
  generation: boolean;
}

/** A custom resource definition passed when starting the stand-in (CRD-like). */
export interface CustomResourceConfig {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular?: string;
  shortNames?: string[];
  /** Operator behaviour: spec.version rolls a Deployment's image tag, then sets status.observedVersion. */
  operator?: {
    /** Deployment name; `{name}` is replaced by the custom resource's name. Default: `{name}`. */
    deployment?: string;
    /** Container whose image tag follows spec.version. Default: the first container. */
    container?: string;
    /** Put before spec.version to make the image tag (Kryton publishes `v4.6.4` for version 4.6.4). Default "". */
    tagPrefix?: string;
  };
}

const VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

/** Verbs of a main resource, as discovery lists them. */
export function resourceVerbs(): string[] {
  return [...VERBS];
}

function builtin(
  group: string,
  kind: string,
  plural: string,
  opts: { namespaced?: boolean; short?: string[]; sub?: string[]; generation?: boolean } = {},
): ResourceType {
  return {
    group,
    version: "v1",
    kind,
    plural,
    singular: kind.toLowerCase(),
    namespaced: opts.namespaced ?? true,
    shortNames: opts.short ?? [],
    subresources: opts.sub ?? [],
    generation: opts.generation ?? false,
  };
}

/** The built-in kinds the lab needs (core, apps, batch): workloads, their pods and revisions, one node. */
export const BUILTIN_TYPES: readonly ResourceType[] = [
  builtin("", "Namespace", "namespaces", { namespaced: false, short: ["ns"], sub: ["status"] }),
  builtin("", "Pod", "pods", { short: ["po"], sub: ["status", "log", "eviction"] }),
  builtin("", "Secret", "secrets"),
  builtin("", "ConfigMap", "configmaps", { short: ["cm"] }),
  builtin("", "Service", "services", { short: ["svc"], sub: ["status"] }),
  builtin("", "ServiceAccount", "serviceaccounts", { short: ["sa"] }),
  builtin("", "Event", "events", { short: ["ev"] }),
  builtin("", "Node", "nodes", { namespaced: false, short: ["no"], sub: ["status"] }),
  builtin("apps", "Deployment", "deployments", {
    short: ["deploy"],
    sub: ["status", "scale"],
    generation: true,
  }),
  builtin("apps", "ReplicaSet", "replicasets", { short: ["rs"], sub: ["status", "scale"], generation: true }),
  builtin("apps", "StatefulSet", "statefulsets", {
    short: ["sts"],
    sub: ["status", "scale"],
    generation: true,
  }),
  builtin("apps", "DaemonSet", "daemonsets", { short: ["ds"], sub: ["status"], generation: true }),
  builtin("apps", "ControllerRevision", "controllerrevisions"),
  builtin("batch", "Job", "jobs", { sub: ["status"], generation: true }),
  // Leases: what rbx (and client-go's leader election) lock a target with — create answers 409 AlreadyExists,
  // an update with a stale resourceVersion 409 Conflict, like any object here.
  builtin("coordination.k8s.io", "Lease", "leases"),
  // The rights a submitted run's ServiceAccount gets (stored and served; the lab does not enforce RBAC).
  builtin("rbac.authorization.k8s.io", "Role", "roles"),
  builtin("rbac.authorization.k8s.io", "RoleBinding", "rolebindings"),
];

/** ResourceType of a configured custom resource (always namespaced, with a status subresource). */
export function customType(c: CustomResourceConfig): ResourceType {
  return {
    group: c.group,
    version: c.version,
    kind: c.kind,
    plural: c.plural,
    singular: c.singular ?? c.kind.toLowerCase(),
    namespaced: true,
    shortNames: c.shortNames ?? [],
    subresources: ["status"],
    generation: true,
  };
}

/** "v1" or "group/version". */
export function apiVersionOf(t: ResourceType): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

/** Stable key of a resource type, e.g. "apps/deployments" or "/pods". */
export function typeKey(t: ResourceType): string {
  return `${t.group}/${t.plural}`;
}

/** All types the server serves, indexed for lookups. */
export class ResourceRegistry {
  readonly types: ResourceType[];
  constructor(custom: readonly CustomResourceConfig[]) {
    this.types = [...BUILTIN_TYPES, ...custom.map(customType)];
  }
  byPlural(group: string, version: string, plural: string): ResourceType | undefined {
    return this.types.find((t) => t.group === group && t.version === version && t.plural === plural);
  }
  byKind(group: string, kind: string): ResourceType | undefined {
    return this.types.find((t) => t.group === group && t.kind === kind);
  }
  /** Group → versions, in registration order (core group excluded). */
  groups(): Map<string, string[]> {
    const m = new Map<string, string[]>();
    for (const t of this.types) {
      if (!t.group) continue;
      const vs = m.get(t.group) ?? [];
      if (!vs.includes(t.version)) vs.push(t.version);
      m.set(t.group, vs);
    }
    return m;
  }
}
