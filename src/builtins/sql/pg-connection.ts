// A postgres connection's settings: the URL (a secret), and the parts pg_dump/pg_restore need apart.
import type { ResolvedConnection } from "../../contract/connection.js";
import { ActionError } from "../shared/action-error.js";
import { stringField } from "../shared/connection.js";

/** What a postgres connection resolves to; `password` is registered with the redactor by the caller. */
export interface PgTarget {
  name: string;
  url: string;
  host: string;
  port: number;
  user: string;
  password: string | undefined;
  database: string;
  /** `sslmode` from the URL query, for libpq tools. */
  sslmode: string | undefined;
}

/** Parse the connection's `url` (postgres://user:pass@host:port/db?sslmode=...). */
export function pgTarget(conn: ResolvedConnection, redact: (s: string) => string): PgTarget {
  const url = stringField(conn, "url");
  if (!url)
    throw new ActionError("invalid-connection", `Connection "${conn.name}" needs a \`url\` (postgres://...)`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new ActionError(
      "invalid-connection",
      `Connection "${conn.name}" has a malformed url: ${redact(url)}`,
      {
        cause,
      },
    );
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
    throw new ActionError("invalid-connection", `Connection "${conn.name}" url must start with postgres://`);
  }
  return {
    name: conn.name,
    url,
    host: decodeURIComponent(parsed.hostname) || "localhost",
    port: parsed.port ? Number(parsed.port) : 5432,
    user: decodeURIComponent(parsed.username) || "postgres",
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    database: decodeURIComponent(parsed.pathname.replace(/^\//, "")) || "postgres",
    sslmode: parsed.searchParams.get("sslmode") ?? undefined,
  };
}
