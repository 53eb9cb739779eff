// The PostgreSQL store's schema: versioned migrations, applied in one transaction under an advisory lock.
import type { PoolClient } from "pg";

/** The advisory lock key migrations take (`pg_advisory_xact_lock`), so two first users never race. */
export const MIGRATION_LOCK = 7_265_747_001;

/** The channel NOTIFY announces "run X has new events" on; the payload is the run id only. */
export const EVENTS_CHANNEL = "rbx_events";

/** One schema version: the statements that reach it from the one before. */
export interface Migration {
  version: number;
  summary: string;
  statements: string[];
}

// Roles are cluster-wide and need CREATEROLE: created when the migrating user may, otherwise left to the DBA
// (docs/operator-guide.md, "Running rbx as a team"). `rbx.may(role)` is true for members and when the role
// does not exist, so a store without the roles is open to everyone who can write its tables.
const ROLES = `
DO $roles$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rbx_reader') THEN CREATE ROLE rbx_reader NOLOGIN; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rbx_operator') THEN CREATE ROLE rbx_operator NOLOGIN; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rbx_approver') THEN CREATE ROLE rbx_approver NOLOGIN; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rbx_admin') THEN CREATE ROLE rbx_admin NOLOGIN; END IF;
  GRANT rbx_reader TO rbx_operator;
  GRANT rbx_operator TO rbx_approver;
  GRANT rbx_operator TO rbx_admin;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'rbx roles were not created (%); a DBA can create them later', SQLERRM;
END
$roles$`;

const GRANTS = `
DO $grants$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'rbx_reader') THEN
    GRANT USAGE ON SCHEMA rbx TO rbx_reader;
    GRANT SELECT ON ALL TABLES IN SCHEMA rbx TO rbx_reader;
    GRANT EXECUTE ON FUNCTION rbx.may(text) TO rbx_reader;
  END IF;
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'rbx_operator') THEN
    GRANT INSERT, UPDATE ON rbx.runs TO rbx_operator;
    GRANT INSERT, UPDATE ON rbx.documents TO rbx_operator;
    GRANT INSERT ON rbx.events TO rbx_operator;
    GRANT INSERT, UPDATE, DELETE ON rbx.locks TO rbx_operator;
    GRANT USAGE ON SEQUENCE rbx.fencing_tokens TO rbx_operator;
    GRANT EXECUTE ON FUNCTION rbx.append_events(text, text[], bigint, integer, text[], text[], text[]) TO rbx_operator;
    GRANT INSERT, UPDATE ON rbx.fleets, rbx.fleet_targets TO rbx_operator;
    GRANT INSERT ON rbx.fleet_events TO rbx_operator;
    GRANT USAGE ON SEQUENCE rbx.fleet_events_seq_seq TO rbx_operator;
  END IF;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'rbx grants were not given (%)', SQLERRM;
END
$grants$`;

/** Every migration, oldest first. Never edit one that shipped: add the next version. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    summary: "runs, hash-chained events, locks with leases and fencing tokens, roles",
    statements: [
      // A narrow row: every append updates its head, so the runbook text lives apart (rbx.documents).
      `CREATE TABLE rbx.runs (
        run_id text PRIMARY KEY CHECK (run_id ~ '^[A-Za-z0-9._-]+$'),
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by text NOT NULL DEFAULT session_user,
        head_seq integer NOT NULL DEFAULT 0,
        head_hash text NOT NULL DEFAULT repeat('0', 64)
      ) WITH (fillfactor = 50)`,
      `CREATE TABLE rbx.documents (
        run_id text PRIMARY KEY REFERENCES rbx.runs (run_id),
        document text NOT NULL
      )`,
      `CREATE TABLE rbx.events (
        run_id text NOT NULL REFERENCES rbx.runs (run_id),
        seq integer NOT NULL CHECK (seq > 0),
        type text NOT NULL,
        line text NOT NULL,
        hash text NOT NULL,
        written_at timestamptz NOT NULL DEFAULT now(),
        written_by text NOT NULL DEFAULT session_user,
        PRIMARY KEY (run_id, seq)
      )`,
      "CREATE SEQUENCE rbx.fencing_tokens",
      `CREATE TABLE rbx.locks (
        key text PRIMARY KEY,
        label text NOT NULL,
        run_id text NOT NULL,
        token bigint NOT NULL,
        holder jsonb NOT NULL,
        expires_at timestamptz NOT NULL,
        renewed_at timestamptz NOT NULL DEFAULT now(),
        left_at timestamptz
      )`,
      `CREATE FUNCTION rbx.may(role_name text) RETURNS boolean LANGUAGE sql STABLE AS $$
        SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = role_name)
            OR pg_has_role(session_user, role_name, 'MEMBER')
      $$`,
      // Who may approve and who may force-unlock is decided by role membership, checked where rows are written.
      `CREATE FUNCTION rbx.check_event() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.type = 'approval.granted' AND NOT rbx.may('rbx_approver') THEN
          RAISE EXCEPTION 'approving needs membership of rbx_approver (session user %)', session_user
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NEW.type IN ('lock.forced', 'lock.taken-over') AND NOT rbx.may('rbx_admin') THEN
          RAISE EXCEPTION 'forcing a lock needs membership of rbx_admin (session user %)', session_user
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$`,
      `CREATE TRIGGER check_event BEFORE INSERT ON rbx.events
        FOR EACH ROW EXECUTE FUNCTION rbx.check_event()`,
      `CREATE FUNCTION rbx.check_lock() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.run_id <> OLD.run_id AND NOT rbx.may('rbx_admin') THEN
          RAISE EXCEPTION 'taking over the lock of run % needs membership of rbx_admin (session user %)',
            OLD.run_id, session_user USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$`,
      `CREATE TRIGGER check_lock BEFORE UPDATE ON rbx.locks
        FOR EACH ROW EXECUTE FUNCTION rbx.check_lock()`,
      // One round trip per flush: the fencing check, the rows, the head and the notice commit together. A
      // stale token raises RBXFN; a second writer of the same seq fails on the primary key (23505).
      `CREATE FUNCTION rbx.append_events(
        p_run text, p_keys text[], p_token bigint, p_first integer,
        p_types text[], p_lines text[], p_hashes text[]
      ) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE
        n integer := cardinality(p_lines);
      BEGIN
        IF p_token IS NOT NULL AND EXISTS (
          SELECT FROM unnest(p_keys) AS k(key)
          LEFT JOIN rbx.locks l ON l.key = k.key
          WHERE l.key IS NULL OR l.run_id <> p_run OR l.token <> p_token
        ) THEN
          RAISE EXCEPTION 'run % no longer holds its locks with token %', p_run, p_token USING ERRCODE = 'RBXFN';
        END IF;
        INSERT INTO rbx.events (run_id, seq, type, line, hash)
          SELECT p_run, p_first + i - 1, p_types[i], p_lines[i], p_hashes[i]
          FROM generate_subscripts(p_lines, 1) AS i;
        UPDATE rbx.runs SET head_seq = p_first + n - 1, head_hash = p_hashes[n]
          WHERE run_id = p_run AND head_seq = p_first - 1;
        IF NOT FOUND THEN
          RAISE EXCEPTION 'run % was appended to by another writer', p_run USING ERRCODE = 'RBXFN';
        END IF;
        PERFORM pg_notify('${EVENTS_CHANNEL}', p_run);
      END $$`,
    ],
  },
  {
    version: 2,
    summary: "fleets: targets with their runs, the fleet journal, a controller lease with a fencing token",
    statements: [
      // One row per fleet; the controller holds it by a lease and a token from the locks' sequence, and every
      // write of a controller checks the token under FOR SHARE, so a controller that lost the fleet writes nothing.
      `CREATE TABLE rbx.fleets (
        fleet_id text PRIMARY KEY CHECK (fleet_id ~ '^[A-Za-z0-9._-]+$'),
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by text NOT NULL DEFAULT session_user,
        runbook text NOT NULL,
        runbook_text text NOT NULL,
        fleet_text text NOT NULL,
        options jsonb NOT NULL,
        status text NOT NULL DEFAULT 'running',
        message text,
        controller_token bigint,
        controller jsonb,
        controller_expires_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      ) WITH (fillfactor = 70)`,
      `CREATE TABLE rbx.fleet_targets (
        fleet_id text NOT NULL REFERENCES rbx.fleets (fleet_id),
        name text NOT NULL,
        position integer NOT NULL,
        canary boolean NOT NULL DEFAULT false,
        spec jsonb NOT NULL,
        state text NOT NULL DEFAULT 'pending',
        run_id text,
        attempt integer NOT NULL DEFAULT 0,
        handle text,
        started_at timestamptz,
        finished_at timestamptz,
        run_status text,
        message text,
        PRIMARY KEY (fleet_id, name)
      ) WITH (fillfactor = 70)`,
      "CREATE INDEX fleet_targets_state ON rbx.fleet_targets (fleet_id, state, position)",
      `CREATE TABLE rbx.fleet_events (
        fleet_id text NOT NULL REFERENCES rbx.fleets (fleet_id),
        seq bigserial,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        written_by text NOT NULL DEFAULT session_user,
        type text NOT NULL,
        target text,
        body jsonb NOT NULL DEFAULT '{}',
        PRIMARY KEY (fleet_id, seq)
      )`,
    ],
  },
];

/** The newest schema version this rbx knows. */
export const LATEST_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

/** The schema version a store is at (0: never migrated). */
export async function schemaVersion(client: PoolClient): Promise<number> {
  const exists = await client.query<{ present: boolean }>(
    "SELECT to_regclass('rbx.schema_version') IS NOT NULL AS present",
  );
  if (!exists.rows[0]?.present) return 0;
  const r = await client.query<{ v: number | null }>("SELECT max(version) AS v FROM rbx.schema_version");
  return r.rows[0]?.v ?? 0;
}

/** Bring the schema to the newest version; returns the versions applied (none when it was current). */
export async function migrate(client: PoolClient): Promise<{ from: number; applied: Migration[] }> {
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await client.query("CREATE SCHEMA IF NOT EXISTS rbx");
    await client.query(`CREATE TABLE IF NOT EXISTS rbx.schema_version (
      version integer PRIMARY KEY,
      summary text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now(),
      applied_by text NOT NULL DEFAULT session_user
    )`);
    const from = await schemaVersion(client);
    if (from > LATEST_VERSION) {
      await client.query("ROLLBACK");
      return { from, applied: [] };
    }
    const applied = MIGRATIONS.filter((m) => m.version > from);
    for (const m of applied) {
      for (const sql of m.statements) await client.query(sql);
      await client.query("INSERT INTO rbx.schema_version (version, summary) VALUES ($1, $2)", [
        m.version,
        m.summary,
      ]);
    }
    // Every migration (also one with nothing to apply) creates the roles if it may and grants them the
    // tables: a DBA who created the roles after the first migration runs `rbx store migrate` again.
    await client.query(ROLES);
    await client.query(GRANTS);
    await client.query("COMMIT");
    return { from, applied };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  }
}
