// What a database is besides its contents (owner, encoding, locale, privileges, settings), read from
// pg_database before a recreate and turned back into SQL, since pg_restore without --create restores none of it.
import { ActionError } from "../shared/action-error.js";

/** Quoting functions: pg's escapeIdentifier / escapeLiteral at run time, the same rules for plans. */
export interface SqlQuoter {
  ident(name: string): string;
  literal(value: string): string;
}

/** One privilege of the database's ACL; `grantee` null = PUBLIC. */
export interface DatabaseGrant {
  grantee: string | null;
  privilege: string;
  grantable: boolean;
}

/** Per-database settings: `role` null = ALTER DATABASE … SET, else ALTER ROLE … IN DATABASE … SET. */
export interface DatabaseSetting {
  role: string | null;
  config: string[];
}

/** The database-level properties a recreate carries over. */
export interface DatabaseProps {
  oid: number;
  name: string;
  owner: string;
  encoding: string;
  collate: string;
  ctype: string;
  /** `libc`, `icu` or `builtin` (PostgreSQL 15+); undefined before 15. */
  localeProvider: string | undefined;
  /** The ICU or builtin locale when the provider is not libc. */
  locale: string | undefined;
  icuRules: string | undefined;
  connectionLimit: number;
  /** Undefined for the default tablespace. */
  tablespace: string | undefined;
  /** Undefined when the ACL is the default one (NULL datacl). */
  grants: DatabaseGrant[] | undefined;
  settings: DatabaseSetting[];
  comment: string | undefined;
}

/** A client that can run a parameterised query (pg.Client). */
export interface Queryable {
  query<R>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

const PROVIDERS: Record<string, string> = { c: "libc", i: "icu", b: "builtin" };

// Names a restore will quote: letters, digits and a few safe marks (roles may be e-mail-like; databases also
// appear in connection URLs, so they take no URL-reserved character).
const ROLE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.@$-]{0,62}$/;
const DB_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}$/;
const LOCALE = /^[A-Za-z0-9_.@=;:-]{1,128}$/;
const ENCODING = /^[A-Z0-9_]{1,32}$/;
const SETTING_NAME = /^[A-Za-z_][A-Za-z0-9_.]{0,127}$/;
const PRIVILEGES = new Set(["CREATE", "CONNECT", "TEMPORARY"]);
const LIST_SETTINGS = new Set([
  "search_path",
  "temp_tablespaces",
  "session_preload_libraries",
  "local_preload_libraries",
  "shared_preload_libraries",
  "unix_socket_directories",
]);

/**
 * Refuse a name that is not plain (quoting would make any name safe, but a strange one here is a mistake):
 * databases `[A-Za-z0-9_][A-Za-z0-9_.-]*`, roles and tablespaces may also hold `@` and `$`; 63 bytes at most.
 */
export function checkName(kind: "database" | "owner" | "role" | "tablespace", name: string): string {
  const re = kind === "database" ? DB_NAME : ROLE_NAME;
  if (!re.test(name)) {
    throw new ActionError(
      "invalid-identifier",
      `The ${kind} name ${JSON.stringify(name)} is not a plain name (${re.source}); a recreate refuses it — use mode: clean or restore by hand`,
    );
  }
  return name;
}

function checkLocale(kind: string, value: string): string {
  if (!LOCALE.test(value))
    throw new ActionError("invalid-identifier", `Unexpected ${kind} ${JSON.stringify(value)} in pg_database`);
  return value;
}

type Row = Record<string, unknown>;

/** Read the properties of database `name` (undefined when it does not exist). */
export async function readDatabaseProps(client: Queryable, name: string): Promise<DatabaseProps | undefined> {
  const found = await client.query<{
    d: Row;
    owner: string;
    encoding: string;
    tablespace: string;
    has_acl: boolean;
  }>(
    `select to_jsonb(d) - 'datacl' as d, r.rolname as owner, pg_encoding_to_char(d.encoding) as encoding,
            t.spcname as tablespace, d.datacl is not null as has_acl
       from pg_database d join pg_roles r on r.oid = d.datdba join pg_tablespace t on t.oid = d.dattablespace
      where d.datname = $1`,
    [name],
  );
  const row = found.rows[0];
  if (!row) return undefined;
  const d = row.d;
  const oid = Number(d.oid);
  const grants = await client.query<{ grantee: string | null; privilege: string; grantable: boolean }>(
    `select case when a.grantee = 0 then null else (select rolname from pg_roles where oid = a.grantee) end as grantee,
            a.privilege_type as privilege, a.is_grantable as grantable
       from pg_database d, aclexplode(d.datacl) with ordinality a where d.oid = $1 order by a.ordinality`,
    [oid],
  );
  const settings = await client.query<{ role: string | null; config: string[] }>(
    `select (select rolname from pg_roles where oid = s.setrole) as role, s.setconfig as config
       from pg_db_role_setting s where s.setdatabase = $1 order by s.setrole`,
    [oid],
  );
  const comment = await client.query<{ c: string | null }>(
    "select shobj_description($1, 'pg_database') as c",
    [oid],
  );
  const provider = typeof d.datlocprovider === "string" ? PROVIDERS[d.datlocprovider] : undefined;
  const locale = (d.datlocale ?? d.daticulocale) as string | null | undefined;
  return {
    oid,
    name,
    owner: row.owner,
    encoding: row.encoding,
    collate: String(d.datcollate ?? ""),
    ctype: String(d.datctype ?? ""),
    localeProvider: provider,
    locale: provider && provider !== "libc" && locale ? locale : undefined,
    icuRules: typeof d.daticurules === "string" && d.daticurules ? d.daticurules : undefined,
    connectionLimit: Number(d.datconnlimit ?? -1),
    tablespace: row.tablespace === "pg_default" ? undefined : row.tablespace,
    grants: row.has_acl ? grants.rows : undefined,
    settings: settings.rows.map((s) => ({ role: s.role, config: s.config ?? [] })),
    comment: comment.rows[0]?.c ?? undefined,
  };
}

/** `CREATE DATABASE <name>` with the properties of `p`, from template0 (so any encoding/locale is allowed). */
export function createDatabaseSql(p: DatabaseProps, name: string, q: SqlQuoter): string {
  const opts = [
    "TEMPLATE template0",
    `OWNER ${q.ident(checkName("owner", p.owner))}`,
    `ENCODING ${q.literal(encodingOf(p.encoding))}`,
  ];
  if (p.localeProvider) opts.push(`LOCALE_PROVIDER ${p.localeProvider}`);
  opts.push(`LC_COLLATE ${q.literal(checkLocale("collation", p.collate))}`);
  opts.push(`LC_CTYPE ${q.literal(checkLocale("ctype", p.ctype))}`);
  if (p.locale && p.localeProvider === "icu")
    opts.push(`ICU_LOCALE ${q.literal(checkLocale("locale", p.locale))}`);
  if (p.locale && p.localeProvider === "builtin")
    opts.push(`BUILTIN_LOCALE ${q.literal(checkLocale("locale", p.locale))}`);
  if (p.icuRules) opts.push(`ICU_RULES ${q.literal(p.icuRules)}`);
  if (p.tablespace) opts.push(`TABLESPACE ${q.ident(checkName("tablespace", p.tablespace))}`);
  if (Number.isInteger(p.connectionLimit) && p.connectionLimit !== -1)
    opts.push(`CONNECTION LIMIT ${p.connectionLimit}`);
  return `CREATE DATABASE ${q.ident(checkName("database", name))} WITH ${opts.join(" ")}`;
}

function encodingOf(value: string): string {
  if (!ENCODING.test(value))
    throw new ActionError(
      "invalid-identifier",
      `Unexpected encoding ${JSON.stringify(value)} in pg_database`,
    );
  return value;
}

/** Privileges, settings and comment of `p` applied to database `name` (run after CREATE DATABASE). */
export function databasePropertySql(p: DatabaseProps, name: string, q: SqlQuoter): string[] {
  const db = q.ident(checkName("database", name));
  const out: string[] = [];
  if (p.grants) {
    out.push(`REVOKE ALL ON DATABASE ${db} FROM PUBLIC, ${q.ident(checkName("owner", p.owner))}`);
    for (const g of p.grants) {
      if (!PRIVILEGES.has(g.privilege))
        throw new ActionError("invalid-identifier", `Unexpected database privilege ${g.privilege}`);
      const to = g.grantee === null ? "PUBLIC" : q.ident(checkName("role", g.grantee));
      out.push(`GRANT ${g.privilege} ON DATABASE ${db} TO ${to}${g.grantable ? " WITH GRANT OPTION" : ""}`);
    }
  }
  for (const s of p.settings) {
    const head =
      s.role === null
        ? `ALTER DATABASE ${db}`
        : `ALTER ROLE ${q.ident(checkName("role", s.role))} IN DATABASE ${db}`;
    for (const entry of s.config) out.push(`${head} SET ${settingSql(entry, q)}`);
  }
  if (p.comment !== undefined) out.push(`COMMENT ON DATABASE ${db} IS ${q.literal(p.comment)}`);
  return out;
}

// `name TO 'value'` from a setconfig entry; list settings (search_path, …) quote each element as pg_dump does.
function settingSql(entry: string, q: SqlQuoter): string {
  const eq = entry.indexOf("=");
  const name = eq < 0 ? entry : entry.slice(0, eq);
  const value = eq < 0 ? "" : entry.slice(eq + 1);
  if (!SETTING_NAME.test(name))
    throw new ActionError(
      "invalid-identifier",
      `Unexpected setting name ${JSON.stringify(name)} in pg_db_role_setting`,
    );
  if (!LIST_SETTINGS.has(name.toLowerCase())) return `${name} TO ${q.literal(value)}`;
  const items = splitGucList(value);
  return `${name} TO ${items.length ? items.map((i) => q.literal(i)).join(", ") : "''"}`;
}

/** Elements of a list setting as stored: comma-separated, each optionally double-quoted ("" escapes "). */
export function splitGucList(value: string): string[] {
  const out: string[] = [];
  let i = 0;
  const skipSpace = () => {
    while (i < value.length && /\s/.test(value[i] as string)) i++;
  };
  skipSpace();
  while (i < value.length) {
    let item = "";
    if (value[i] === '"') {
      i++;
      while (i < value.length) {
        if (value[i] === '"' && value[i + 1] === '"') {
          item += '"';
          i += 2;
        } else if (value[i] === '"') {
          i++;
          break;
        } else item += value[i++];
      }
    } else {
      while (i < value.length && value[i] !== ",") item += value[i++];
      item = item.trim();
    }
    out.push(item);
    skipSpace();
    if (value[i] === ",") i++;
    skipSpace();
  }
  return out;
}

/** Quoting for plans, by the same rules as pg's escapeIdentifier / escapeLiteral (nothing is run with it). */
export const planQuoter: SqlQuoter = {
  ident: (name) => `"${name.replace(/"/g, '""')}"`,
  literal: (value) =>
    value.includes("\\")
      ? ` E'${value.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`
      : `'${value.replace(/'/g, "''")}'`,
};
