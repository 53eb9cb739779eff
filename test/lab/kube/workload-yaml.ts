// StatefulSet and DaemonSet manifests (YAML) for the stand-in's workload tests and the kubectl built-in tests.

/** Options shared by the workload manifests. */
export interface WorkloadOptions {
  image?: string;
  /** A `lab.rbx.dev/fault` for the pod template (e.g. never-ready). */
  fault?: string;
}

function podTemplate(name: string, opts: WorkloadOptions): string {
  return `  template:
    metadata:
      labels: {app: ${name}}
      ${opts.fault ? `annotations: {lab.rbx.dev/fault: ${opts.fault}}` : ""}
    spec:
      containers:
      - name: app
        image: ${opts.image ?? `registry.example/${name}:1.0.0`}
        ports: [{containerPort: 8080}]
`;
}

/** A StatefulSet manifest; `serviceName` defaults to the set's name. */
export function statefulSetYaml(
  ns: string,
  name: string,
  opts: WorkloadOptions & { replicas?: number; partition?: number; parallel?: boolean } = {},
): string {
  return `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: ${name}
  namespace: ${ns}
  labels: {app: ${name}}
spec:
  serviceName: ${name}
  replicas: ${opts.replicas ?? 1}
  ${opts.parallel ? "podManagementPolicy: Parallel" : ""}
  ${opts.partition !== undefined ? `updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: ${opts.partition}}}` : ""}
  selector: {matchLabels: {app: ${name}}}
${podTemplate(name, opts)}`;
}

/** A DaemonSet manifest. */
export function daemonSetYaml(ns: string, name: string, opts: WorkloadOptions = {}): string {
  return `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: ${name}
  namespace: ${ns}
  labels: {app: ${name}}
spec:
  selector: {matchLabels: {app: ${name}}}
${podTemplate(name, opts)}`;
}
