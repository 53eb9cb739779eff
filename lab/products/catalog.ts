// The sample products' "images": which service module a registry.example image runs, at which versions.

/**
 * A fault a pod can ask for (tag suffix or the lab.rbx.dev/fault annotation); services act it out for real.
 * `one-never-ready` (annotation only) makes exactly one pod of a ReplicaSet never ready: a rollout helm's
 * --wait accepts (within maxUnavailable) while `kubectl rollout status` waits for every replica.
 */
export type LabFault = "never-ready" | "crash-loop" | "slow" | "fail" | "one-never-ready";

/** One image repository of a sample product. */
export interface ProductImage {
  product: "kryton" | "scrydon" | "alexandria";
  /** Repository without tag, e.g. `registry.example/kryton`. */
  repository: string;
  /** Versions that exist in the "registry" (any other tag is an image pull error). */
  versions: readonly string[];
  /** How the product spells a version as an image tag: Kryton publishes `v4.6.4` for 4.6.4. Default "". */
  tagPrefix?: string;
  /** Module (relative to src/lab/products, no extension) run by default. */
  entry: string;
  /** Modules selected by the container's first argument (`args: ["migrate"]`). */
  commands: Readonly<Record<string, string>>;
  /** Fixed environment the "image" bakes in. */
  env: Readonly<Record<string, string>>;
  /** HTTP path the kubelet polls for readiness, when the entry serves HTTP. */
  readinessPath: string;
}

const KRYTON = ["4.6.4", "4.6.5", "4.7.0", "4.6.6-broken-migration"] as const;
const SCRYDON = ["2.4.0", "2.5.0", "2.5.1-broken-migration", "2.5.2-broken-cortex"] as const;
const ALEXANDRIA = ["v1.2.3", "v1.3.0", "v1.3.1-broken-migration"] as const;

function scrydon(service: string): ProductImage {
  return {
    product: "scrydon",
    repository: `registry.example/scrydon/${service}`,
    versions: SCRYDON,
    entry: "scrydon/service",
    commands: { migrate: "scrydon/migrate", "ensure-databases": "scrydon/ensure-databases" },
    env: { SCRYDON_SERVICE: service },
    readinessPath: "/readyz",
  };
}

function alexandria(component: string): ProductImage {
  return {
    product: "alexandria",
    repository: `registry.example/alexandria/${component}`,
    versions: ALEXANDRIA,
    entry: `alexandria/${component}`,
    commands: {},
    env: {},
    readinessPath: "/ready",
  };
}

/** Every image the lab's pod runtime can run as a real process. */
export const productImages: readonly ProductImage[] = [
  {
    product: "kryton",
    repository: "registry.example/kryton",
    versions: KRYTON,
    tagPrefix: "v",
    entry: "kryton/server",
    commands: { migrate: "kryton/migrate" },
    env: {},
    readinessPath: "/readyz",
  },
  scrydon("api-platform"),
  scrydon("agentic"),
  scrydon("analytics"),
  scrydon("cortex"),
  scrydon("api-ontology"),
  alexandria("api"),
  alexandria("orchestrator"),
  alexandria("dashboard"),
];

const FAULTS: readonly LabFault[] = ["never-ready", "crash-loop", "slow", "fail", "one-never-ready"];

/** How an image reference resolves: a known product at a known version (plus a fault), or why not. */
export type ImageResolution =
  | { kind: "product"; image: ProductImage; version: string; fault?: LabFault }
  | { kind: "unknown-tag"; image: ProductImage; tag: string }
  | { kind: "foreign" };

/** Resolve `registry.example/kryton:v4.6.5` (or `…:v4.6.5-slow`) against the catalog. */
export function resolveImage(ref: string): ImageResolution {
  const at = ref.lastIndexOf(":");
  const slash = ref.lastIndexOf("/");
  const repository = at > slash ? ref.slice(0, at) : ref;
  const written = at > slash ? ref.slice(at + 1) : "latest";
  const image = productImages.find((i) => i.repository === repository);
  if (!image) return { kind: "foreign" };
  // A tag without the product's prefix was never published (Kryton has v4.6.5, not 4.6.5).
  const prefix = image.tagPrefix ?? "";
  if (!written.startsWith(prefix)) return { kind: "unknown-tag", image, tag: written };
  const tag = written.slice(prefix.length);
  if (image.versions.includes(tag)) return { kind: "product", image, version: tag };
  for (const fault of FAULTS) {
    const base = tag.endsWith(`-${fault}`) ? tag.slice(0, -fault.length - 1) : undefined;
    if (base !== undefined && image.versions.includes(base))
      return { kind: "product", image, version: base, fault };
  }
  return { kind: "unknown-tag", image, tag };
}

/** Parse a fault name from an annotation value, ignoring anything unknown. */
export function parseFault(value: string | undefined): LabFault | undefined {
  return FAULTS.find((f) => f === value);
}
