// Server-side Table responses (`Accept: ...;as=Table`): what makes `kubectl get` and `helm status` print columns.
import type { IncomingMessage } from "node:http";
import { getPath, isMap, type JsonMap, type KObject } from "./types.js";

type Cell = string | number;
interface Column {
  name: string;
  priority?: number;
  cell: (o: KObject) => Cell;
}

const spec = (o: KObject) => (isMap(o.spec) ? o.spec : {});
const status = (o: KObject) => (isMap(o.status) ? o.status : {});
const n = (m: JsonMap, k: string) => (typeof m[k] === "number" ? (m[k] as number) : 0);

/** "42s", "5m", "3h", "2d" like kubectl's short durations. */
export function age(from: string | undefined, now = Date.now()): string {
  if (!from) return "<unknown>";
  const s = Math.max(0, Math.floor((now - Date.parse(from)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172_800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

function podStatus(o: KObject): string {
  if (o.metadata.deletionTimestamp) return "Terminating";
  const st = status(o);
  const cs = Array.isArray(st.containerStatuses) ? (st.containerStatuses as JsonMap[]) : [];
  for (const c of cs) {
    const state = isMap(c.state) ? c.state : {};
    if (isMap(state.waiting) && state.waiting.reason && state.waiting.reason !== "ContainerCreating")
      return String(state.waiting.reason);
    if (isMap(state.terminated)) return String(state.terminated.reason ?? "Terminated");
  }
  if (st.phase === "Pending" && cs.length > 0) return "ContainerCreating";
  return String(st.phase ?? "Pending");
}

function images(o: KObject, key: "name" | "image"): string {
  const tpl = spec(o).template;
  const cs =
    isMap(tpl) && isMap(tpl.spec) && Array.isArray(tpl.spec.containers)
      ? (tpl.spec.containers as JsonMap[])
      : [];
  return cs.map((c) => String(c[key])).join(",");
}

function jobStatus(o: KObject): string {
  const conds = Array.isArray(status(o).conditions) ? (status(o).conditions as JsonMap[]) : [];
  if (conds.some((c) => c.type === "Complete" && c.status === "True")) return "Complete";
  if (conds.some((c) => c.type === "Failed" && c.status === "True")) return "Failed";
  return "Running";
}

function nodeSelector(o: KObject): string {
  const tpl = spec(o).template;
  const sel = isMap(tpl) && isMap(tpl.spec) && isMap(tpl.spec.nodeSelector) ? tpl.spec.nodeSelector : {};
  const parts = Object.entries(sel).map(([k, v]) => `${k}=${String(v)}`);
  return parts.length ? parts.join(",") : "<none>";
}

function nodeStatus(o: KObject): string {
  const conds = Array.isArray(status(o).conditions) ? (status(o).conditions as JsonMap[]) : [];
  const ready = conds.find((c) => c.type === "Ready")?.status === "True" ? "Ready" : "NotReady";
  return spec(o).unschedulable === true ? `${ready},SchedulingDisabled` : ready;
}

const AGE: Column = { name: "Age", cell: (o) => age(o.metadata.creationTimestamp) };

const COLUMNS: Record<string, Column[]> = {
  Pod: [
    {
      name: "Ready",
      cell: (o) => {
        const cs = Array.isArray(status(o).containerStatuses)
          ? (status(o).containerStatuses as JsonMap[])
          : [];
        const total = Array.isArray(spec(o).containers)
          ? (spec(o).containers as unknown[]).length
          : cs.length;
        return `${cs.filter((c) => c.ready === true).length}/${total}`;
      },
    },
    { name: "Status", cell: podStatus },
    {
      name: "Restarts",
      cell: (o) =>
        (Array.isArray(status(o).containerStatuses) ? (status(o).containerStatuses as JsonMap[]) : []).reduce(
          (s, c) => s + n(c, "restartCount"),
          0,
        ),
    },
    AGE,
    { name: "IP", priority: 1, cell: (o) => String(status(o).podIP ?? "<none>") },
    { name: "Node", priority: 1, cell: (o) => String(spec(o).nodeName ?? "<none>") },
  ],
  Deployment: [
    { name: "Ready", cell: (o) => `${n(status(o), "readyReplicas")}/${n(spec(o), "replicas")}` },
    { name: "Up-to-date", cell: (o) => n(status(o), "updatedReplicas") },
    { name: "Available", cell: (o) => n(status(o), "availableReplicas") },
    AGE,
    { name: "Containers", priority: 1, cell: (o) => images(o, "name") },
    { name: "Images", priority: 1, cell: (o) => images(o, "image") },
  ],
  ReplicaSet: [
    { name: "Desired", cell: (o) => n(spec(o), "replicas") },
    { name: "Current", cell: (o) => n(status(o), "replicas") },
    { name: "Ready", cell: (o) => n(status(o), "readyReplicas") },
    AGE,
    { name: "Images", priority: 1, cell: (o) => images(o, "image") },
  ],
  StatefulSet: [
    { name: "Ready", cell: (o) => `${n(status(o), "readyReplicas")}/${n(spec(o), "replicas")}` },
    AGE,
    { name: "Containers", priority: 1, cell: (o) => images(o, "name") },
    { name: "Images", priority: 1, cell: (o) => images(o, "image") },
  ],
  DaemonSet: [
    { name: "Desired", cell: (o) => n(status(o), "desiredNumberScheduled") },
    { name: "Current", cell: (o) => n(status(o), "currentNumberScheduled") },
    { name: "Ready", cell: (o) => n(status(o), "numberReady") },
    { name: "Up-to-date", cell: (o) => n(status(o), "updatedNumberScheduled") },
    { name: "Available", cell: (o) => n(status(o), "numberAvailable") },
    { name: "Node Selector", cell: nodeSelector },
    AGE,
    { name: "Containers", priority: 1, cell: (o) => images(o, "name") },
    { name: "Images", priority: 1, cell: (o) => images(o, "image") },
  ],
  Node: [
    { name: "Status", cell: nodeStatus },
    { name: "Roles", cell: () => "<none>" },
    AGE,
    { name: "Version", cell: (o) => String(getPath(o, ["status", "nodeInfo", "kubeletVersion"]) ?? "") },
  ],
  ControllerRevision: [
    {
      name: "Controller",
      cell: (o) => {
        const ref = (o.metadata.ownerReferences ?? []).find((r) => r.controller);
        return ref ? `${ref.kind.toLowerCase()}.apps/${ref.name}` : "<none>";
      },
    },
    { name: "Revision", cell: (o) => (typeof o.revision === "number" ? o.revision : 0) },
    AGE,
  ],
  Job: [
    { name: "Status", cell: jobStatus },
    { name: "Completions", cell: (o) => `${n(status(o), "succeeded")}/${n(spec(o), "completions") || 1}` },
    AGE,
  ],
  Service: [
    { name: "Type", cell: (o) => String(spec(o).type ?? "ClusterIP") },
    { name: "Cluster-IP", cell: (o) => String(spec(o).clusterIP ?? "<none>") },
    { name: "External-IP", cell: () => "<none>" },
    {
      name: "Port(s)",
      cell: (o) =>
        (Array.isArray(spec(o).ports) ? (spec(o).ports as JsonMap[]) : [])
          .map((p) => `${p.port}/${p.protocol ?? "TCP"}`)
          .join(","),
    },
    AGE,
  ],
  Namespace: [{ name: "Status", cell: (o) => String(status(o).phase ?? "Active") }, AGE],
  Secret: [
    { name: "Type", cell: (o) => String(o.type ?? "Opaque") },
    { name: "Data", cell: (o) => Object.keys(isMap(o.data) ? o.data : {}).length },
    AGE,
  ],
  ConfigMap: [{ name: "Data", cell: (o) => Object.keys(isMap(o.data) ? o.data : {}).length }, AGE],
  Lease: [{ name: "Holder", cell: (o) => String(spec(o).holderIdentity ?? "") }, AGE],
};

/** True when the client asked for a meta.k8s.io Table. */
export function wantsTable(req: IncomingMessage): boolean {
  return /;\s*as=Table/.test(req.headers.accept ?? "");
}

/** A Table of `items` (of one kind); rows carry the object or its metadata as clients expect. */
export function toTable(
  kind: string,
  items: KObject[],
  resourceVersion: string,
  includeObject: string | null,
): JsonMap {
  const cols: Column[] = [{ name: "Name", cell: (o) => o.metadata.name }, ...(COLUMNS[kind] ?? [AGE])];
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: { resourceVersion },
    columnDefinitions: cols.map((c) => ({
      name: c.name,
      type: "string",
      format: c.name === "Name" ? "name" : "",
      description: c.name,
      priority: c.priority ?? 0,
    })),
    rows: items.map((o) => ({
      cells: cols.map((c) => c.cell(o)),
      object:
        includeObject === "Object"
          ? o
          : includeObject === "None"
            ? null
            : { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: o.metadata },
    })),
  };
}
