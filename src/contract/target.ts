// Targets: what a connection *is* (its identity, for locks) and the lock a target itself can hold (a Lease).
import type { ResolvedConnection } from "./connection.js";

/**
 * A `coordination.k8s.io/v1` Lease as rbx reads and writes it: the holder, its timing, and rbx's annotations
 * (who, where, whether the holder halted). `resourceVersion` is the optimistic-concurrency token of the read.
 */
export interface TargetLeaseRecord {
  holder: string;
  durationSeconds: number;
  acquireTime?: string;
  renewTime?: string;
  transitions: number;
  annotations: Record<string, string>;
  resourceVersion: string;
}

/** What a write to a Lease sets: everything but the resourceVersion the server assigns. */
export type TargetLeaseSpec = Omit<TargetLeaseRecord, "resourceVersion">;

/**
 * The mechanism of one Lease at a target, with no policy: create answers "exists" on 409 AlreadyExists and
 * "no-namespace" when the target's namespace does not exist (nothing of it to change yet), replace
 * answers "conflict" on 409 Conflict (someone wrote since the read) — the optimistic concurrency client-go's
 * leader election relies on. Who may take a Lease is decided by the caller (run/sessions/target-leases.ts).
 */
export interface TargetLeaseApi {
  /** For people: the Lease's name, namespace and cluster, e.g. `lease rbx-kubernetes-3f2a… in kryton (https://…)`. */
  readonly where: string;
  read(): Promise<TargetLeaseRecord | undefined>;
  create(spec: TargetLeaseSpec): Promise<"created" | "exists" | "no-namespace">;
  replace(spec: TargetLeaseSpec, resourceVersion: string): Promise<"replaced" | "conflict" | "gone">;
  /** Delete the Lease if it is still the version read (a newer holder's Lease is left alone). */
  remove(resourceVersion: string): Promise<void>;
}

/**
 * Target support for one kind of connection, given by the caller (the CLI passes the built-in one): a target's
 * identity is what it *is* — for Kubernetes the API server URL, its CA and the namespace — never a local path.
 */
export interface TargetSupport {
  /** The fields that identify the target (hashed into its lock key), or undefined to use the connection's fields. */
  identity(
    conn: ResolvedConnection,
    env: Readonly<Record<string, string | undefined>>,
  ): Promise<Record<string, string> | undefined>;
  /** The Lease named `name` at the target, for connections whose target can hold one (Kubernetes); else undefined. */
  lease(
    conn: ResolvedConnection,
    env: Readonly<Record<string, string | undefined>>,
    name: string,
  ): Promise<TargetLeaseApi | undefined>;
}
