// Finding the connection an action talks to: the named one, or the only one of its kind.
import type { ConnectionKind, ResolvedConnection } from "../../contract/connection.js";
import { ActionError } from "./action-error.js";

/** The JSON Schema fragment of the `connection` field every networked action takes. */
export function connectionField(kind: ConnectionKind): {
  type: "string";
  description: string;
  examples: string[];
} {
  return {
    type: "string",
    description: `Name of a \`${kind}\` connection; optional when the runbook declares exactly one.`,
    examples: [EXAMPLE_CONNECTION[kind]],
  };
}

/** The connection names the schema's examples use (as the runbook format's examples name them). */
const EXAMPLE_CONNECTION: Record<ConnectionKind, string> = {
  kubernetes: "cluster",
  postgres: "db",
  http: "api",
};

/** The connection named `name`, or the single connection of `kind`; a clear error otherwise. */
export function pickConnection(
  connections: ReadonlyMap<string, ResolvedConnection>,
  kind: ConnectionKind,
  name: string | undefined,
): ResolvedConnection {
  if (name !== undefined) {
    const found = connections.get(name);
    if (!found)
      throw new ActionError(
        "unknown-connection",
        `No connection named "${name}"; declare it under connections:`,
      );
    if (found.kind !== kind) {
      throw new ActionError(
        "wrong-connection-kind",
        `Connection "${name}" is ${found.kind}, this action needs ${kind}`,
      );
    }
    return found;
  }
  const ofKind = [...connections.values()].filter((c) => c.kind === kind);
  if (ofKind.length === 1) return ofKind[0] as ResolvedConnection;
  throw new ActionError(
    "connection-required",
    ofKind.length === 0
      ? `This action needs a ${kind} connection; declare one under connections:`
      : `Several ${kind} connections (${ofKind.map((c) => c.name).join(", ")}); name one with \`connection:\``,
  );
}

/** A connection field as a string, or undefined when absent or empty. */
export function stringField(conn: ResolvedConnection, field: string): string | undefined {
  const v = conn.fields[field];
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v !== "string") {
    throw new ActionError(
      "invalid-connection",
      `Connection "${conn.name}" field \`${field}\` must be a string`,
    );
  }
  return v;
}

/** A connection field as a boolean (false when absent). */
export function boolField(conn: ResolvedConnection, field: string): boolean {
  const v = conn.fields[field];
  return v === true || v === "true";
}
