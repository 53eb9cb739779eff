// One pg pool per connection per run, and sessions with statement_timeout / lock_timeout set and cancellable.
import type { Pool, PoolClient } from "pg";
import type { ActionContext } from "../../contract/action.js";
import { pickConnection } from "../shared/connection.js";
import { type Deadline, deadline } from "../shared/deadline.js";
import { withResource } from "../shared/with-resource.js";
import { type PgTarget, pgTarget } from "./pg-connection.js";
import { pgError } from "./pg-errors.js";

/** Session limits applied with set_config before the action's statements. */
export interface SessionLimits {
  statementTimeoutMs: number;
  lockTimeoutMs: number;
  /** Bound on the whole action (default: the statement timeout plus 15 s). */
  totalTimeoutMs?: number;
}

/** What an action body receives: a checked-out client, the target and the deadline. */
export interface PgSession {
  client: PoolClient;
  target: PgTarget;
  deadline: Deadline;
  /** Turn any failure into an ActionError naming this connection. */
  fail(error: unknown, what: string): Error;
}

/** Resolve the connection named in args (or the only postgres one) and register its secrets. */
export function resolvePg(
  ctx: Pick<ActionContext, "connections" | "redactor">,
  name: string | undefined,
): PgTarget {
  const conn = pickConnection(ctx.connections, "postgres", name);
  const target = pgTarget(conn, (s) => ctx.redactor.redact(s));
  if (target.password) ctx.redactor.addSecret(target.password);
  ctx.redactor.addSecret(target.url);
  return target;
}

async function createPool(target: PgTarget): Promise<Pool> {
  const { default: pg } = await import("pg");
  const pool = new pg.Pool({ connectionString: target.url, max: 4, connectionTimeoutMillis: 15_000 });
  pool.on("error", () => {}); // an idle client's failure must not crash the process; the next checkout reports it
  return pool;
}

async function cancelBackend(target: PgTarget, pid: number): Promise<void> {
  const { default: pg } = await import("pg");
  const canceller = new pg.Client({ connectionString: target.url, connectionTimeoutMillis: 5_000 });
  try {
    await canceller.connect();
    await canceller.query("select pg_cancel_backend($1)", [pid]);
  } catch {
    // best effort: the broken session is destroyed below anyway
  } finally {
    await canceller.end().catch(() => {});
  }
}

/**
 * Run `use` on a session of the connection's pool (created once per run), with the limits set and the
 * statement cancelled on the server when the step is interrupted or times out.
 */
export async function withPgSession<R>(
  ctx: ActionContext,
  connection: string | undefined,
  limits: SessionLimits,
  use: (s: PgSession) => Promise<R>,
): Promise<R> {
  const target = resolvePg(ctx, connection);
  const redact = (s: string) => ctx.redactor.redact(s);
  const d = deadline(ctx.signal, limits.totalTimeoutMs ?? limits.statementTimeoutMs + 15_000);
  const fail = (error: unknown, what: string) => pgError(error, what, target.name, redact, d);
  try {
    return await withResource(
      ctx,
      `pg:${target.name}`,
      () => createPool(target),
      (pool) => pool.end(),
      async (pool) => {
        let client: PoolClient;
        try {
          client = await pool.connect();
        } catch (error) {
          throw fail(error, "Connecting");
        }
        let broken: Error | undefined;
        let pid = 0;
        const onAbort = () => {
          broken = new Error("aborted");
          if (pid) void cancelBackend(target, pid);
        };
        d.signal.addEventListener("abort", onAbort, { once: true });
        try {
          const res = await client.query<{ pid: number }>(
            "select pg_backend_pid() as pid, set_config('statement_timeout', $1, false), set_config('lock_timeout', $2, false)",
            [String(limits.statementTimeoutMs), String(limits.lockTimeoutMs)],
          );
          pid = res.rows[0]?.pid ?? 0;
          if (d.signal.aborted) onAbort();
          return await use({ client, target, deadline: d, fail });
        } catch (error) {
          if (!(error instanceof Error && error.name === "ActionError")) broken ??= isConnectionError(error);
          throw fail(error, "SQL");
        } finally {
          d.signal.removeEventListener("abort", onAbort);
          client.release(broken);
        }
      },
    );
  } finally {
    d.clear();
  }
}

// A session whose socket failed must not go back to the pool; SQL errors leave it usable.
function isConnectionError(error: unknown): Error | undefined {
  const code = (error as { code?: string } | undefined)?.code ?? "";
  return /^[0-9A-Z]{5}$/.test(code) ? undefined : error instanceof Error ? error : new Error(String(error));
}

/** The connection flags a plan shows; placeholders when the URL is not known at plan time (e.g. an unset secret). */
export function planPgTarget(
  ctx: Pick<ActionContext, "connections" | "redactor">,
  name: string | undefined,
): PgTarget {
  try {
    return resolvePg(ctx, name);
  } catch {
    const conn = name ?? "postgres";
    const unknown = `<${conn} connection>`;
    return {
      name: conn,
      url: "",
      host: unknown,
      port: 5432,
      user: unknown,
      password: undefined,
      database: unknown,
      sslmode: undefined,
    };
  }
}
