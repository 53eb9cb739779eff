// snapshot.restore mode `recreate`: restore into a fresh copy of the database, then swap it in, so the result
// is exactly the snapshot (objects newer than it cannot survive or block) and a failed restore changes nothing.
import type { Client } from "pg";
import type { ActionContext } from "../../contract/action.js";
import { ActionError, messageOf } from "../shared/action-error.js";
import { abortError, type Deadline } from "../shared/deadline.js";
import type { PgTarget } from "../sql/pg-connection.js";
import { pgError } from "../sql/pg-errors.js";
import {
  checkName,
  createDatabaseSql,
  type DatabaseProps,
  databasePropertySql,
  readDatabaseProps,
  type SqlQuoter,
} from "./database-props.js";
import { missingTables } from "./restored-tables.js";

const TEMP_SUFFIX = "_rbx_restore";

/** The temporary database a recreate restores into: `<database>_rbx_restore`, within 63 bytes. */
export function tempDatabaseName(database: string): string {
  return `${database.slice(0, 63 - TEMP_SUFFIX.length)}${TEMP_SUFFIX}`;
}

/** A session on another database of the connection's server (same host, user, password, TLS settings). */
export interface ServerSession {
  client: Client;
  quote: SqlQuoter;
  serverMajor: number;
  close(): Promise<void>;
}

/** Connect to `database` on the target's server; the URL's database is swapped, everything else kept. */
export async function connectServer(
  ctx: ActionContext,
  target: PgTarget,
  database: string,
): Promise<ServerSession> {
  const { default: pg } = await import("pg");
  const url = new URL(target.url);
  url.pathname = `/${checkName("database", database)}`;
  const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 15_000 });
  client.on("error", () => {}); // a terminated session is reported by the next query
  try {
    await client.connect();
    const r = await client.query<{ n: number }>("select current_setting('server_version_num')::int as n");
    return {
      client,
      quote: { ident: pg.escapeIdentifier, literal: pg.escapeLiteral },
      serverMajor: Math.floor((r.rows[0]?.n ?? 0) / 10_000),
      close: () => client.end().catch(() => {}),
    };
  } catch (error) {
    await client.end().catch(() => {});
    throw pgError(error, `Connecting to database "${database}"`, target.name, (s) => ctx.redactor.redact(s));
  }
}

/** What a recreate needs besides the admin session. */
export interface RecreateOptions {
  target: PgTarget;
  /** End other sessions (DROP DATABASE … WITH (FORCE)); without it a database in use is refused. */
  terminate: boolean;
  /** The archive's tables, checked in the new database before it replaces the old one. */
  tables: readonly string[];
  /** pg_restore the snapshot into `database`. */
  restoreInto(database: string): Promise<void>;
}

/** What the recreate did. */
export interface RecreateResult {
  terminated: number;
  /** pg_database.oid of the restored database (a new one). */
  oid: number;
}

/**
 * Read the database's properties, create `<db>_rbx_restore` with them, restore into it and check its tables,
 * then drop the old database and rename the new one into place. Up to the swap, any failure drops the copy
 * and leaves the database untouched.
 */
export async function recreateFromSnapshot(
  ctx: ActionContext,
  d: Deadline,
  admin: ServerSession,
  opts: RecreateOptions,
): Promise<RecreateResult> {
  const { client, quote } = admin;
  const name = checkName("database", opts.target.database);
  const temp = tempDatabaseName(name);
  const fail = (error: unknown, what: string) =>
    pgError(error, what, opts.target.name, (s) => ctx.redactor.redact(s), d);
  const step = async <T>(what: string, body: () => Promise<T>): Promise<T> => {
    if (d.signal.aborted) throw abortError("snapshot.restore", d);
    try {
      return await body();
    } catch (error) {
      throw fail(error, what);
    }
  };
  if (admin.serverMajor < 13) {
    throw new ActionError(
      "unsupported-server",
      `mode: recreate needs PostgreSQL 13 or newer (DROP DATABASE … WITH (FORCE)); this server is ${admin.serverMajor} — use mode: clean`,
    );
  }
  const props = await step("Reading pg_database", () => sourceProps(ctx, admin, name, temp));
  await step("Checking privileges", () => checkPrivileges(admin, props));
  const others = await step("Counting sessions", () => otherSessions(admin, name));
  if (others > 0 && !opts.terminate) {
    throw new ActionError(
      "database-in-use",
      `${others} other session(s) are connected to ${name}; stop the application or set terminateConnections: true (nothing was changed)`,
    );
  }

  let swapped = false;
  try {
    await step(`Dropping a leftover ${temp}`, () =>
      client.query(`DROP DATABASE IF EXISTS ${quote.ident(temp)} WITH (FORCE)`),
    );
    ctx.log.progress(
      `creating ${temp} like ${name} (owner ${props.owner}, ${props.encoding}, ${props.collate})`,
    );
    await step(`Creating ${temp}`, () => client.query(createDatabaseSql(props, temp, quote)));
    for (const sql of databasePropertySql(props, temp, quote))
      await step(`Carrying over a property of ${name} (${sql})`, () => client.query(sql));
    await opts.restoreInto(temp);
    const missing = await step(`Checking the tables of ${temp}`, () => tablesMissingIn(ctx, opts, temp));
    if (missing.length) {
      throw new ActionError(
        "restore-incomplete",
        `After the restore these tables are missing: ${missing.join(", ")}`,
      );
    }
    const terminated = opts.terminate ? await step("Counting sessions", () => otherSessions(admin, name)) : 0;
    ctx.log.progress(`replacing ${name} with the restored copy`);
    await step(`Dropping ${name}`, () =>
      client.query(`DROP DATABASE IF EXISTS ${quote.ident(name)}${opts.terminate ? " WITH (FORCE)" : ""}`),
    ).catch((error: unknown) => {
      const inUse = error instanceof ActionError && error.details?.sqlstate === "55006";
      throw inUse
        ? new ActionError(
            "database-in-use",
            `Other sessions connected to ${name} while it was being restored; stop the application or set terminateConnections: true`,
            { cause: error },
          )
        : error;
    });
    swapped = true;
    if (terminated) ctx.log.warn(`terminated ${terminated} other session(s) on ${name}`);
    await renameIntoPlace(admin, temp, name, fail);
    const oid = await client.query<{ oid: number }>(
      "select oid::int as oid from pg_database where datname = $1",
      [name],
    );
    return { terminated, oid: oid.rows[0]?.oid ?? 0 };
  } catch (error) {
    if (!swapped) await dropQuietly(ctx, admin, opts.target, temp);
    if (!swapped && error instanceof ActionError && !/was not changed/.test(error.message)) {
      throw new ActionError(
        error.code,
        `${error.message}\nThe database ${name} was not changed: the restore went into ${temp}, which was dropped; fix the cause and re-run the step.`,
        { cause: error.cause ?? error, ...(error.details ? { details: { ...error.details } } : {}) },
      );
    }
    throw error;
  }
}

// The properties to recreate with: the database's own, or — when an interrupted restore dropped it just
// before renaming its copy into place — the copy's, which were taken from it.
async function sourceProps(
  ctx: ActionContext,
  admin: ServerSession,
  name: string,
  temp: string,
): Promise<DatabaseProps> {
  const own = await readDatabaseProps(admin.client, name);
  if (own) return own;
  const copy = await readDatabaseProps(admin.client, temp);
  if (copy) {
    ctx.log.warn(
      `${name} does not exist but ${temp} does (an interrupted restore): recreating from its properties`,
    );
    return { ...copy, name };
  }
  throw new ActionError(
    "database-not-found",
    `Database ${name} does not exist on the server, so its owner, encoding and locale cannot be read; create it first`,
  );
}

async function checkPrivileges(admin: ServerSession, props: DatabaseProps): Promise<void> {
  const r = await admin.client.query<{ user: string; can_create: boolean; can_own: boolean }>(
    `select current_user as user, (rolsuper or rolcreatedb) as can_create, pg_has_role(current_user, $1, 'MEMBER') as can_own
       from pg_roles where rolname = current_user`,
    [props.owner],
  );
  const row = r.rows[0];
  if (row?.can_create && row.can_own) return;
  const missing = [
    row?.can_create ? "" : "CREATEDB",
    row?.can_own ? "" : `membership in the owner role ${props.owner}`,
  ].filter(Boolean);
  throw new ActionError(
    "restore-not-permitted",
    `mode: recreate drops and creates database ${props.name}, and the connection's user ${row?.user ?? "?"} lacks ${missing.join(" and ")}; grant it, connect as the owner, or use mode: clean (nothing was changed)`,
  );
}

async function otherSessions(admin: ServerSession, name: string): Promise<number> {
  const r = await admin.client.query<{ n: number }>(
    "select count(*)::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()",
    [name],
  );
  return r.rows[0]?.n ?? 0;
}

async function tablesMissingIn(
  ctx: ActionContext,
  opts: RecreateOptions,
  database: string,
): Promise<string[]> {
  const s = await connectServer(ctx, opts.target, database);
  try {
    return await missingTables(s.client, opts.tables);
  } finally {
    await s.close();
  }
}

// The one step after which the old database is gone: say exactly how to finish by hand if it fails.
async function renameIntoPlace(
  admin: ServerSession,
  temp: string,
  name: string,
  fail: (error: unknown, what: string) => Error,
): Promise<void> {
  const sql = `ALTER DATABASE ${admin.quote.ident(temp)} RENAME TO ${admin.quote.ident(name)}`;
  try {
    await admin.client.query(sql);
  } catch (error) {
    const e = fail(error, "Renaming the restored copy into place");
    throw new ActionError(
      "restore-rename-failed",
      `${e.message}\n${name} was dropped and its restored copy is complete in ${temp}: run \`${sql}\` as its owner, or re-run the step (it recreates ${name} from the copy's properties).`,
      { cause: error },
    );
  }
}

// Best effort, also after an interruption: the copy must not be left behind taking disk space.
async function dropQuietly(ctx: ActionContext, admin: ServerSession, target: PgTarget, temp: string) {
  const sql = `DROP DATABASE IF EXISTS ${admin.quote.ident(temp)} WITH (FORCE)`;
  try {
    await admin.client.query(sql);
  } catch {
    try {
      const fresh = await connectServer(ctx, target, admin.client.database ?? "postgres");
      await fresh.client.query(sql).finally(() => fresh.close());
    } catch (error) {
      ctx.log.warn(`could not drop ${temp}: ${messageOf(error)}; drop it by hand`);
    }
  }
}
