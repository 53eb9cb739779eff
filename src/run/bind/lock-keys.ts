// What a run locks: the connections its write steps talk to, identified by their resolved fields.

import { createHash } from "node:crypto";
import type { ActionCatalog } from "../../contract/action.js";
import type { ResolvedConnection } from "../../contract/connection.js";
import type { Runbook } from "../../parser/ast.js";
import { stepEffect } from "../../parser/step-effect.js";
import type { LockKey } from "../model/events.js";
import type { Program } from "./program.js";

function stable(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(stable).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stable(v)}`).join(",")}}`;
}

/**
 * A connection's lock identity: kind plus a hash of what the target *is* — `identity` when the caller resolved
 * it (a cluster's API server URL, CA and namespace; a database's host, port and name), else the connection's
 * resolved fields — so two names (or two kubeconfig files) for one target collide.
 */
export function connectionKey(
  conn: ResolvedConnection,
  identity?: Readonly<Record<string, unknown>>,
): LockKey {
  const digest = createHash("sha256")
    .update(stable(identity ?? conn.fields))
    .digest("hex")
    .slice(0, 16);
  return { key: `${conn.kind}-${digest}`, label: `${conn.name} (${conn.kind})` };
}

/** The connections a run writes to (see lockKeysFor), and whether it writes at all. */
export function lockedConnections(
  program: Program,
  connections: ReadonlyMap<string, ResolvedConnection>,
  catalog: ActionCatalog,
): { connections: ResolvedConnection[]; writes: boolean } {
  const names = new Set<string>();
  let writes = false;
  for (const unit of program.units.values()) {
    // A child run takes its own targets' locks; the parent holds its runbook's, so two stacks never overlap.
    if (unit.run) {
      writes = true;
      continue;
    }
    const action = catalog.find(unit.action);
    if (!action || stepEffect(unit.step, action) !== "write") continue;
    writes = true;
    const named = unit.step.with?.entries.find((e) => e.key.value === "connection")?.value;
    if (named?.kind === "string" && !named.template) {
      names.add(named.value);
      continue;
    }
    for (const c of connections.values()) if (action.connectionKinds?.includes(c.kind)) names.add(c.name);
  }
  const out: ResolvedConnection[] = [];
  for (const name of names) {
    const conn = connections.get(name);
    if (conn) out.push(conn);
  }
  return { connections: out, writes };
}

/**
 * The locks a run takes: every connection a write step (main or rollback) may write to — the one named
 * in `with.connection`, else each connection of a kind the action uses. A runbook that writes to no
 * connection (e.g. only `exec`) locks its own name, so two runs of it never overlap. `identities` are the
 * resolved identities of the targets by connection name (see connectionKey).
 */
export function lockKeysFor(
  program: Program,
  connections: ReadonlyMap<string, ResolvedConnection>,
  catalog: ActionCatalog,
  identities: ReadonlyMap<string, Readonly<Record<string, unknown>>> = new Map(),
): LockKey[] {
  const { connections: locked, writes } = lockedConnections(program, connections, catalog);
  const keys = new Map<string, LockKey>();
  for (const conn of locked) {
    const k = connectionKey(conn, identities.get(conn.name));
    keys.set(k.key, k);
  }
  if (keys.size === 0 && writes) return [runbookKey(program.runbook)];
  return [...keys.values()];
}

/** The fallback lock of a runbook that writes to no declared connection. */
export function runbookKey(runbook: Runbook): LockKey {
  const name = runbook.metadata.name.value;
  return { key: `runbook-${name}`, label: `runbook ${name}` };
}
