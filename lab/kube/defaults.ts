// Server-side defaults and validation of the built-in kinds, as a real API server applies them on every write.
import { invalid } from "./errors.js";
import type { ResourceType } from "./resources.js";
import { fromLabelSelector, matchesLabels } from "./selectors.js";
import { ensureMap, getPath, isMap, type JsonMap, type KObject } from "./types.js";

function setDefault(m: JsonMap, key: string, value: unknown): void {
  if (m[key] === undefined || m[key] === null) m[key] = value;
}

/** Defaults of a PodSpec (also used inside the workload kinds' and Job templates). */
export function defaultPodSpec(spec: JsonMap): void {
  setDefault(spec, "restartPolicy", "Always");
  setDefault(spec, "dnsPolicy", "ClusterFirst");
  setDefault(spec, "schedulerName", "default-scheduler");
  setDefault(spec, "securityContext", {});
  setDefault(spec, "terminationGracePeriodSeconds", 30);
  for (const list of ["containers", "initContainers"]) {
    const cs = spec[list];
    if (!Array.isArray(cs)) continue;
    for (const c of cs) {
      if (!isMap(c)) continue;
      const image = typeof c.image === "string" ? c.image : "";
      const tag = image.includes("@") ? "digest" : (/:([^/:]+)$/.exec(image)?.[1] ?? "latest");
      setDefault(c, "imagePullPolicy", tag === "latest" ? "Always" : "IfNotPresent");
      setDefault(c, "terminationMessagePath", "/dev/termination-log");
      setDefault(c, "terminationMessagePolicy", "File");
      setDefault(c, "resources", {});
      if (Array.isArray(c.ports)) for (const p of c.ports) if (isMap(p)) setDefault(p, "protocol", "TCP");
    }
  }
}

function validateTemplate(t: ResourceType, obj: KObject, selectorRequired: boolean): void {
  const name = obj.metadata.name;
  const sel = getPath(obj, ["spec", "selector"]);
  if (selectorRequired && !isMap(sel)) throw invalid(t, name, "spec.selector", "Required value");
  const containers = getPath(obj, ["spec", "template", "spec", "containers"]);
  if (!Array.isArray(containers) || containers.length === 0) {
    throw invalid(t, name, "spec.template.spec.containers", "Required value");
  }
  if (isMap(sel)) {
    const labels = getPath(obj, ["spec", "template", "metadata", "labels"]) as
      | Record<string, string>
      | undefined;
    if (!matchesLabels(fromLabelSelector(sel), labels)) {
      throw invalid(
        t,
        name,
        "spec.template.metadata.labels",
        "Invalid value: `selector` does not match template `labels`",
      );
    }
  }
}

function oneOf(t: ResourceType, obj: KObject, field: string, value: unknown, allowed: string[]): void {
  if (allowed.includes(String(value))) return;
  const list = allowed.map((a) => `"${a}"`).join(", ");
  throw invalid(
    t,
    obj.metadata.name,
    field,
    `Unsupported value: "${String(value)}": supported values: ${list}`,
  );
}

// StatefulSet and DaemonSet pods must restart forever, as the real validation demands.
function alwaysRestart(t: ResourceType, obj: KObject, podSpec: JsonMap): void {
  defaultPodSpec(podSpec);
  oneOf(t, obj, "spec.template.spec.restartPolicy", podSpec.restartPolicy, ["Always"]);
}

let nextClusterIp = 10;

/** Apply defaults and validate; throws a 422 ApiError when the object is invalid. */
export function applyDefaults(t: ResourceType, obj: KObject): void {
  const name = obj.metadata.name;
  const spec = ensureMapIf(obj, "spec");
  switch (t.kind) {
    case "Namespace": {
      obj.metadata.labels = { ...obj.metadata.labels, "kubernetes.io/metadata.name": name };
      ensureMap(obj, ["spec"]).finalizers ??= ["kubernetes"];
      ensureMap(obj, ["status"]).phase ??= "Active";
      break;
    }
    case "Pod": {
      if (!spec || !Array.isArray(spec.containers) || spec.containers.length === 0) {
        throw invalid(t, name, "spec.containers", "Required value");
      }
      defaultPodSpec(spec);
      setDefault(spec, "serviceAccountName", "default");
      setDefault(spec, "serviceAccount", spec.serviceAccountName);
      setDefault(spec, "enableServiceLinks", true);
      setDefault(spec, "priority", 0);
      ensureMap(obj, ["status"]).phase ??= "Pending";
      break;
    }
    case "Deployment": {
      const s = ensureMap(obj, ["spec"]);
      validateTemplate(t, obj, true);
      setDefault(s, "replicas", 1);
      setDefault(s, "revisionHistoryLimit", 10);
      setDefault(s, "progressDeadlineSeconds", 600);
      const strategy = ensureMap(s, ["strategy"]);
      setDefault(strategy, "type", "RollingUpdate");
      if (strategy.type === "RollingUpdate") {
        const ru = ensureMap(strategy, ["rollingUpdate"]);
        setDefault(ru, "maxSurge", "25%");
        setDefault(ru, "maxUnavailable", "25%");
      } else if (strategy.type !== "Recreate") {
        throw invalid(t, name, "spec.strategy.type", `Unsupported value: "${String(strategy.type)}"`);
      }
      defaultPodSpec(ensureMap(s, ["template", "spec"]));
      break;
    }
    case "ReplicaSet": {
      const s = ensureMap(obj, ["spec"]);
      validateTemplate(t, obj, true);
      setDefault(s, "replicas", 1);
      defaultPodSpec(ensureMap(s, ["template", "spec"]));
      break;
    }
    case "StatefulSet": {
      const s = ensureMap(obj, ["spec"]);
      validateTemplate(t, obj, true);
      setDefault(s, "replicas", 1);
      setDefault(s, "podManagementPolicy", "OrderedReady");
      setDefault(s, "revisionHistoryLimit", 10);
      setDefault(s, "persistentVolumeClaimRetentionPolicy", { whenDeleted: "Retain", whenScaled: "Retain" });
      oneOf(t, obj, "spec.podManagementPolicy", s.podManagementPolicy, ["OrderedReady", "Parallel"]);
      const strategy = ensureMap(s, ["updateStrategy"]);
      setDefault(strategy, "type", "RollingUpdate");
      oneOf(t, obj, "spec.updateStrategy.type", strategy.type, ["RollingUpdate", "OnDelete"]);
      if (strategy.type === "RollingUpdate")
        setDefault(ensureMap(strategy, ["rollingUpdate"]), "partition", 0);
      alwaysRestart(t, obj, ensureMap(s, ["template", "spec"]));
      break;
    }
    case "DaemonSet": {
      const s = ensureMap(obj, ["spec"]);
      validateTemplate(t, obj, true);
      setDefault(s, "revisionHistoryLimit", 10);
      const strategy = ensureMap(s, ["updateStrategy"]);
      setDefault(strategy, "type", "RollingUpdate");
      oneOf(t, obj, "spec.updateStrategy.type", strategy.type, ["RollingUpdate", "OnDelete"]);
      if (strategy.type === "RollingUpdate") {
        const ru = ensureMap(strategy, ["rollingUpdate"]);
        setDefault(ru, "maxUnavailable", 1);
        setDefault(ru, "maxSurge", 0);
      }
      alwaysRestart(t, obj, ensureMap(s, ["template", "spec"]));
      break;
    }
    case "Job": {
      const s = ensureMap(obj, ["spec"]);
      validateTemplate(t, obj, false);
      const ps = ensureMap(s, ["template", "spec"]);
      if (ps.restartPolicy !== "Never" && ps.restartPolicy !== "OnFailure") {
        throw invalid(
          t,
          name,
          "spec.template.spec.restartPolicy",
          'Required value: valid values: "OnFailure", "Never"',
        );
      }
      setDefault(s, "backoffLimit", 6);
      setDefault(s, "completions", 1);
      setDefault(s, "parallelism", 1);
      setDefault(s, "completionMode", "NonIndexed");
      setDefault(s, "suspend", false);
      // As Kubernetes: a Job with a podFailurePolicy replaces a pod only once it has stopped.
      setDefault(s, "podReplacementPolicy", isMap(s.podFailurePolicy) ? "Failed" : "TerminatingOrFailed");
      if (isMap(s.podFailurePolicy) && ps.restartPolicy !== "Never")
        throw invalid(
          t,
          name,
          "spec.template.spec.restartPolicy",
          'Invalid value: only "Never" is supported when podFailurePolicy is specified',
        );
      defaultPodSpec(ps);
      break;
    }
    case "Service": {
      const s = ensureMap(obj, ["spec"]);
      setDefault(s, "type", "ClusterIP");
      setDefault(s, "sessionAffinity", "None");
      setDefault(s, "internalTrafficPolicy", "Cluster");
      setDefault(s, "ipFamilies", ["IPv4"]);
      setDefault(s, "ipFamilyPolicy", "SingleStack");
      if (s.clusterIP === undefined) {
        nextClusterIp++;
        s.clusterIP = `10.96.${Math.floor(nextClusterIp / 250)}.${nextClusterIp % 250}`;
      }
      setDefault(s, "clusterIPs", [s.clusterIP]);
      if (Array.isArray(s.ports)) {
        for (const p of s.ports) {
          if (!isMap(p)) continue;
          setDefault(p, "protocol", "TCP");
          setDefault(p, "targetPort", p.port);
        }
      }
      break;
    }
    case "Secret": {
      setDefault(obj, "type", "Opaque");
      const sd = obj.stringData;
      if (isMap(sd)) {
        const data = isMap(obj.data) ? obj.data : {};
        for (const [k, v] of Object.entries(sd)) data[k] = Buffer.from(String(v)).toString("base64");
        obj.data = data;
      }
      delete obj.stringData;
      break;
    }
  }
}

function ensureMapIf(obj: KObject, key: string): JsonMap | undefined {
  const v = obj[key];
  return isMap(v) ? v : undefined;
}

const NAME_RE = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** Validate metadata.name as a DNS-1123 subdomain. */
export function validateName(t: ResourceType, name: string): void {
  if (!name) throw invalid(t, name, "metadata.name", "Required value: name or generateName is required");
  if (name.length > 253 || !NAME_RE.test(name)) {
    throw invalid(
      t,
      name,
      "metadata.name",
      `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
    );
  }
}
