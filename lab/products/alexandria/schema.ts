// Alexandria's ApplySchema (api-go/internal/db/migrations.go): numbered migrations in its own schema_migrations table.
import type pg from "pg";
import { compareVersions } from "../common/semver.js";

/** One schema migration and the first release that ships it. */
export interface SchemaMigration {
  version: number;
  name: string;
  since: string;
  statements: string[];
}

/** Every migration any release ships; a release applies those with `since` ≤ its version. */
export const schemaMigrations: readonly SchemaMigration[] = [
  {
    version: 1,
    name: "create_admins",
    since: "v1.2.3",
    statements: [
      "CREATE TABLE admins (id serial PRIMARY KEY, email text NOT NULL UNIQUE, password_hash text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())",
    ],
  },
  {
    version: 2,
    name: "create_seats",
    since: "v1.2.3",
    statements: [
      "CREATE TABLE seats (id serial PRIMARY KEY, user_email text NOT NULL UNIQUE, assigned_at timestamptz NOT NULL DEFAULT now())",
    ],
  },
  {
    version: 3,
    name: "seats_add_role",
    since: "v1.3.0",
    statements: ["ALTER TABLE seats ADD COLUMN role text NOT NULL DEFAULT 'member'"],
  },
  {
    version: 4,
    name: "create_api_tokens",
    since: "v1.3.0",
    statements: [
      "CREATE TABLE api_tokens (id serial PRIMARY KEY, admin_id integer, token_hash text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())",
    ],
  },
  {
    version: 5,
    name: "api_tokens_admin_fk",
    since: "v1.3.1-broken-migration",
    statements: [
      "ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_admin_fk FOREIGN KEY (admin_id) REFERENCES admin_accounts(id)",
    ],
  },
];

/** The migrations the given release ships (the broken release alone ships the broken one). */
export function migrationsFor(release: string): SchemaMigration[] {
  return schemaMigrations.filter((m) =>
    m.since.includes("broken") ? m.since === release : compareVersions(m.since, release) <= 0,
  );
}

/** Apply every pending migration of `release`, each in its own transaction, under an advisory lock (replicas race). */
export async function applySchema(pool: pg.Pool, release: string): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock(hashtext('alexandria.schema_migrations'))");
    await client.query(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
    );
    const rows = await client.query<{ version: number }>("SELECT version FROM schema_migrations");
    const done = new Set(rows.rows.map((r) => r.version));
    const applied: number[] = [];
    for (const m of migrationsFor(release)) {
      if (done.has(m.version)) continue;
      try {
        await client.query("BEGIN");
        for (const s of m.statements) await client.query(s);
        await client.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [
          m.version,
          m.name,
        ]);
        await client.query("COMMIT");
        applied.push(m.version);
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw new Error(
          `migration ${m.version} (${m.name}) failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    return applied;
  } finally {
    await client.query("SELECT pg_advisory_unlock_all()").catch(() => undefined);
    client.release();
  }
}
