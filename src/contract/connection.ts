// Connections: what the built-in actions talk to, as the runbook declares them and as a run resolves them.

/** The kinds of connection a runbook can declare. */
export const connectionKinds = ["kubernetes", "postgres", "http"] as const;

/** One kind of connection. */
export type ConnectionKind = (typeof connectionKinds)[number];

/** A connection after its templates were evaluated (secrets included, but tracked by the redactor). */
export interface ResolvedConnection {
  name: string;
  kind: ConnectionKind;
  fields: Readonly<Record<string, unknown>>;
}
