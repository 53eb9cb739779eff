// A fingerprint of a database's schema: it changes when any relation, column or constraint changes, never with data.
import type { PoolClient } from "pg";

/**
 * md5 over the sorted catalog of user relations (kind), their columns (type) and constraints, outside the
 * system schemas. Equal fingerprints mean no migration changed the schema in between; data is not covered.
 */
export const fingerprintSql = `select md5(coalesce(string_agg(x, ',' order by x), '')) as fingerprint from (
  select format('r:%s.%s:%s', n.nspname, c.relname, c.relkind) as x
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
   where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%' and n.nspname not like 'pg_temp%'
  union all
  select format('a:%s.%s.%s:%s', n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod))
    from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
   where a.attnum > 0 and not a.attisdropped and c.relkind in ('r', 'p', 'v', 'm', 'f')
     and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%' and n.nspname not like 'pg_temp%'
  union all
  select format('c:%s.%s.%s:%s', n.nspname, c.relname, k.conname, k.contype)
    from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
   where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%' and n.nspname not like 'pg_temp%'
) s`;

/** The schema fingerprint of the connected database. */
export async function schemaFingerprint(client: PoolClient): Promise<string> {
  const r = await client.query<{ fingerprint: string }>(fingerprintSql);
  return r.rows[0]?.fingerprint ?? "";
}
