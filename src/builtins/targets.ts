// What a connection's target is (its lock identity) and the Lease a Kubernetes target holds for a run.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { ResolvedConnection } from "../contract/connection.js";
import type { TargetLeaseApi, TargetLeaseRecord, TargetSupport } from "../contract/target.js";
import { boundedConfiguration, connectionNamespace, loadKubeConfig } from "./kubectl/kube-client.js";
import { kubeError } from "./kubectl/kube-errors.js";
import { pgTarget } from "./sql/pg-connection.js";

const sha256 = (text: string | Buffer) => createHash("sha256").update(text).digest("hex");

/** The cluster a kubernetes connection reaches: API server URL, a hash of its CA, and the namespace. */
async function kubeIdentity(conn: ResolvedConnection, env: Readonly<Record<string, string | undefined>>) {
  const { kc } = await loadKubeConfig(conn, env);
  const cluster = kc.getCurrentCluster();
  if (!cluster) return undefined;
  let ca = "none";
  if (cluster.caData) ca = sha256(Buffer.from(cluster.caData, "base64"));
  else if (cluster.caFile) {
    try {
      ca = sha256(readFileSync(cluster.caFile));
    } catch {
      ca = `unreadable ${cluster.caFile}`;
    }
  }
  const server = cluster.server.replace(/\/+$/, "").toLowerCase();
  return { server, ca, namespace: connectionNamespace(conn, kc) };
}

/** The database a postgres connection reaches: host, port and database (two users of one database collide). */
function pgIdentity(conn: ResolvedConnection) {
  const t = pgTarget(conn, (s) => s);
  return { host: t.host.toLowerCase(), port: String(t.port), database: t.database };
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));
const status = (err: unknown) => (err as { code?: unknown }).code;

/** The Lease `name` in the connection's namespace of its cluster. */
async function kubeLease(
  conn: ResolvedConnection,
  env: Readonly<Record<string, string | undefined>>,
  name: string,
): Promise<TargetLeaseApi> {
  const { kc, k8s } = await loadKubeConfig(conn, env);
  const namespace = connectionNamespace(conn, kc);
  // Every request bounded in time: a hung API must not hold a run (or its end) open.
  const api = new k8s.CoordinationV1Api(boundedConfiguration(k8s, kc, []));
  const where = `lease ${name} in namespace ${namespace} of ${kc.getCurrentCluster()?.server ?? "the cluster"}`;
  const body = (spec: Omit<TargetLeaseRecord, "resourceVersion">, resourceVersion?: string) => ({
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: {
      name,
      namespace,
      annotations: spec.annotations,
      labels: { "app.kubernetes.io/managed-by": "rbx" },
      ...(resourceVersion ? { resourceVersion } : {}),
    },
    spec: {
      holderIdentity: spec.holder,
      leaseDurationSeconds: spec.durationSeconds,
      leaseTransitions: spec.transitions,
      ...(spec.acquireTime ? { acquireTime: new k8s.V1MicroTime(spec.acquireTime) } : {}),
      ...(spec.renewTime ? { renewTime: new k8s.V1MicroTime(spec.renewTime) } : {}),
    },
  });
  const fail = (err: unknown, what: string) => kubeError(err, `${what} ${where}`);
  const time = (v: unknown) =>
    v instanceof Date ? v.toISOString() : typeof v === "string" && v !== "" ? v : undefined;
  return {
    where,
    async read() {
      try {
        const l = await api.readNamespacedLease({ name, namespace });
        const acquireTime = time(l.spec?.acquireTime);
        const renewTime = time(l.spec?.renewTime);
        return {
          holder: l.spec?.holderIdentity ?? "",
          durationSeconds: l.spec?.leaseDurationSeconds ?? 0,
          transitions: l.spec?.leaseTransitions ?? 0,
          annotations: l.metadata?.annotations ?? {},
          resourceVersion: l.metadata?.resourceVersion ?? "",
          ...(acquireTime ? { acquireTime } : {}),
          ...(renewTime ? { renewTime } : {}),
        };
      } catch (err) {
        if (status(err) === 404) return undefined;
        throw fail(err, "cannot read");
      }
    },
    async create(spec) {
      try {
        await api.createNamespacedLease({ namespace, body: body(spec) });
        return "created";
      } catch (err) {
        if (status(err) === 409) return "exists";
        // The Lease's namespace does not exist: a run that never touches the cluster (Kryton on Compose).
        if (status(err) === 404) return "no-namespace";
        throw fail(err, "cannot create");
      }
    },
    async replace(spec, resourceVersion) {
      try {
        await api.replaceNamespacedLease({ name, namespace, body: body(spec, resourceVersion) });
        return "replaced";
      } catch (err) {
        if (status(err) === 409) return "conflict";
        if (status(err) === 404) return "gone";
        throw fail(err, "cannot update");
      }
    },
    async remove(resourceVersion) {
      try {
        await api.deleteNamespacedLease({ name, namespace, body: { preconditions: { resourceVersion } } });
      } catch (err) {
        if (status(err) === 404 || status(err) === 409) return;
        throw new Error(`cannot delete ${where}: ${messageOf(err)}`);
      }
    },
  };
}

/** The built-in target support: Kubernetes clusters by server, CA and namespace (with a Lease); PostgreSQL by host, port and database. */
export const builtinTargets: TargetSupport = {
  async identity(conn, env) {
    if (conn.kind === "kubernetes") return kubeIdentity(conn, env);
    if (conn.kind === "postgres") return pgIdentity(conn);
    return undefined;
  },
  async lease(conn, env, name) {
    return conn.kind === "kubernetes" ? kubeLease(conn, env, name) : undefined;
  },
};
