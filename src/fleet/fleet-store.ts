// Where fleets live: the PostgreSQL run store's fleet tables (one row per fleet, one per target, the fleet
// journal). A controller holds a fleet by a lease and a fencing token; every write it makes checks the token
// in the same statement, so a controller that lost the fleet (or a second one racing it) changes nothing.
import { hostname } from "node:os";
import type { Pool, PoolClient } from "pg";
import { safeLocation, secretsOf } from "../run/store/store-url.js";

/** How a target stands in its fleet. */
export type TargetState =
  | "pending"
  | "running"
  | "succeeded"
  | "failed"
  | "halted"
  | "waiting-approval"
  | "interrupted";

/** Every target state, in the order reports list them. */
export const TARGET_STATES: readonly TargetState[] = [
  "running",
  "waiting-approval",
  "halted",
  "failed",
  "interrupted",
  "pending",
  "succeeded",
];

/** How a fleet stands. */
export type FleetStatus = "running" | "completed" | "completed-with-errors" | "halted" | "interrupted";

/** What a fleet run was asked for (kept with the fleet, so resume needs no flags). */
export interface FleetOptions {
  maxConcurrency: string;
  maxErrors: string;
  canary: number;
  haltsAreErrors: boolean;
  executor: string;
  approve: string[];
  approveAll: boolean;
  /** The runbook's path as the operator gave it, and the directory it was given from. */
  cwd: string;
  /** The targets' count and the limits resolved for it. */
  targets: number;
  concurrency: number;
  errorsAllowed: number;
  /** The plan hash every target's plan had when the fleet started (by target). */
  planHashes?: Record<string, string>;
  /** `--executor kubernetes`: where the Jobs go (never a secret: the store URL travels in each Job's Secret). */
  kubernetes?: { namespace?: string; image?: string; kubeconfig?: string; context?: string };
}

/** What the store keeps of one target. */
export interface TargetRow {
  name: string;
  position: number;
  canary: boolean;
  spec: { params: Record<string, unknown>; labels: Record<string, string>; env: Record<string, string> };
  state: TargetState;
  runId: string | null;
  attempt: number;
  handle: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  runStatus: string | null;
  message: string | null;
}

/** The controller holding a fleet. */
export interface ControllerInfo {
  user: string;
  host: string;
  pid: number;
  since: string;
}

/** What the store keeps of one fleet. */
export interface FleetRow {
  fleetId: string;
  name: string;
  createdAt: string;
  createdBy: string;
  runbook: string;
  runbookText: string;
  fleetText: string;
  options: FleetOptions;
  status: FleetStatus;
  message: string | null;
  controller: ControllerInfo | null;
  controllerAlive: boolean;
  updatedAt: string;
}

/** One entry of the fleet journal. */
export interface FleetEvent {
  seq: number;
  at: string;
  by: string;
  type: string;
  target: string | null;
  body: Record<string, unknown>;
}

/** A fleet's controller lease was taken by another controller: stop driving it now. */
export class FleetFencedError extends Error {
  override readonly name = "FleetFencedError";
}

/** The fleet store could not do what was asked (unreachable, refused): a message people can read. */
export class FleetStoreError extends Error {
  override readonly name = "FleetStoreError";
}

interface TargetDbRow {
  name: string;
  position: number;
  canary: boolean;
  spec: TargetRow["spec"];
  state: TargetState;
  run_id: string | null;
  attempt: number;
  handle: string | null;
  started_at: Date | null;
  finished_at: Date | null;
  run_status: string | null;
  message: string | null;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

function targetRow(r: TargetDbRow): TargetRow {
  return {
    name: r.name,
    position: r.position,
    canary: r.canary,
    spec: r.spec,
    state: r.state,
    runId: r.run_id,
    attempt: r.attempt,
    handle: r.handle,
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
    runStatus: r.run_status,
    message: r.message,
  };
}

const TARGET_COLUMNS =
  "name, position, canary, spec, state, run_id, attempt, handle, started_at, finished_at, run_status, message";

/** The fleet tables of one PostgreSQL store (migrated by the run store, which the caller opens first). */
export class FleetStore {
  readonly location: string;
  private pool: Pool | undefined;
  private readonly secrets: string[];

  constructor(private readonly url: string) {
    this.location = safeLocation(url);
    this.secrets = secretsOf(url);
  }

  private async getPool(): Promise<Pool> {
    if (this.pool) return this.pool;
    const { default: pg } = await import("pg");
    this.pool = new pg.Pool({
      connectionString: this.url,
      max: 6,
      connectionTimeoutMillis: 10_000,
      idleTimeoutMillis: 10_000,
      application_name: "rbx-fleet",
      options: "-c synchronous_commit=on -c statement_timeout=30000",
    });
    this.pool.on("error", () => {});
    return this.pool;
  }

  private async q<R extends object>(what: string, sql: string, values: unknown[] = []): Promise<R[]> {
    try {
      const pool = await this.getPool();
      return (await pool.query<R>(sql, values)).rows;
    } catch (err) {
      let message = (err as Error).message;
      for (const s of this.secrets) message = message.split(s).join("***");
      throw new FleetStoreError(`${what}: the run store at ${this.location} answered: ${message}`);
    }
  }

  private async tx<T>(what: string, use: (c: PoolClient) => Promise<T>): Promise<T> {
    const pool = await this.getPool().catch((err: Error) => {
      throw new FleetStoreError(`${what}: ${err.message}`);
    });
    let client: PoolClient;
    try {
      client = await pool.connect();
    } catch (err) {
      throw new FleetStoreError(
        `${what}: cannot reach the run store at ${this.location} (${(err as Error).message})`,
      );
    }
    try {
      await client.query("BEGIN");
      const out = await use(client);
      await client.query("COMMIT");
      return out;
    } catch (err) {
      await client.query("ROLLBACK").catch(() => {});
      if (err instanceof FleetFencedError || err instanceof FleetStoreError) throw err;
      let message = (err as Error).message;
      for (const s of this.secrets) message = message.split(s).join("***");
      throw new FleetStoreError(`${what}: the run store at ${this.location} answered: ${message}`);
    } finally {
      client.release();
    }
  }

  /** Record a new fleet with its targets (pending), held by the creating controller; returns its token. */
  async create(
    fleet: {
      fleetId: string;
      name: string;
      runbook: string;
      runbookText: string;
      fleetText: string;
      options: FleetOptions;
      targets: { name: string; canary: boolean; spec: TargetRow["spec"] }[];
    },
    controller: ControllerInfo,
    leaseMs: number,
  ): Promise<number> {
    return this.tx("recording the fleet", async (c) => {
      const exists = await c.query("SELECT 1 FROM rbx.fleets WHERE fleet_id = $1", [fleet.fleetId]);
      if (exists.rowCount)
        throw new FleetStoreError(
          `fleet ${fleet.fleetId} already exists; \`rbx fleet resume ${fleet.fleetId}\` continues it`,
        );
      const r = await c.query<{ token: string }>(
        `INSERT INTO rbx.fleets (fleet_id, name, runbook, runbook_text, fleet_text, options, controller_token,
           controller, controller_expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, nextval('rbx.fencing_tokens'), $7, now() + make_interval(secs => $8))
         RETURNING controller_token AS token`,
        [
          fleet.fleetId,
          fleet.name,
          fleet.runbook,
          fleet.runbookText,
          fleet.fleetText,
          JSON.stringify(fleet.options),
          JSON.stringify(controller),
          leaseMs / 1000,
        ],
      );
      // Thousands of targets in a few statements: arrays bound as parameters, unnested by the server.
      const chunk = 5000;
      for (let i = 0; i < fleet.targets.length; i += chunk) {
        const part = fleet.targets.slice(i, i + chunk);
        await c.query(
          `INSERT INTO rbx.fleet_targets (fleet_id, name, position, canary, spec)
           SELECT $1, t.name, t.position, t.canary, t.spec::jsonb
           FROM unnest($2::text[], $3::int[], $4::boolean[], $5::text[]) AS t(name, position, canary, spec)`,
          [
            fleet.fleetId,
            part.map((t) => t.name),
            part.map((_, j) => i + j),
            part.map((t) => t.canary),
            part.map((t) => JSON.stringify(t.spec)),
          ],
        );
      }
      await c.query("INSERT INTO rbx.fleet_events (fleet_id, type, body) VALUES ($1, 'fleet.started', $2)", [
        fleet.fleetId,
        JSON.stringify({ controller, options: fleet.options, targets: fleet.targets.length }),
      ]);
      return Number(r.rows[0]?.token);
    });
  }

  /**
   * Take the fleet's controller lease: when no controller holds it (expired lease, or never), or `force`.
   * A new token from the locks' sequence fences the one before. Returns the holder when another has it.
   */
  async claim(
    fleetId: string,
    controller: ControllerInfo,
    leaseMs: number,
    force: boolean,
  ): Promise<{ token: number } | { heldBy: ControllerInfo } | { missing: true }> {
    return this.tx("taking the fleet", async (c) => {
      const cur = await c.query<{ controller: ControllerInfo | null; live: boolean }>(
        `SELECT controller, coalesce(controller_expires_at > now(), false) AS live
         FROM rbx.fleets WHERE fleet_id = $1 FOR UPDATE`,
        [fleetId],
      );
      const row = cur.rows[0];
      if (!row) return { missing: true as const };
      if (row.live && row.controller && !force) return { heldBy: row.controller };
      const r = await c.query<{ token: string }>(
        `UPDATE rbx.fleets SET controller_token = nextval('rbx.fencing_tokens'), controller = $2,
           controller_expires_at = now() + make_interval(secs => $3), status = 'running', message = NULL,
           updated_at = now()
         WHERE fleet_id = $1 RETURNING controller_token AS token`,
        [fleetId, JSON.stringify(controller), leaseMs / 1000],
      );
      await c.query("INSERT INTO rbx.fleet_events (fleet_id, type, body) VALUES ($1, 'fleet.resumed', $2)", [
        fleetId,
        JSON.stringify({
          controller,
          ...(row.controller ? { previous: row.controller } : {}),
          forced: force && row.live,
        }),
      ]);
      return { token: Number(r.rows[0]?.token) };
    });
  }

  /** Extend the controller's lease; false when another controller holds the fleet now. */
  async renew(fleetId: string, token: number, leaseMs: number): Promise<boolean> {
    const rows = await this.q<{ n: number }>(
      "renewing the fleet's lease",
      `UPDATE rbx.fleets SET controller_expires_at = now() + make_interval(secs => $3)
       WHERE fleet_id = $1 AND controller_token = $2 RETURNING 1 AS n`,
      [fleetId, token, leaseMs / 1000],
    );
    return rows.length > 0;
  }

  /**
   * Move one target from one of `from` to `to`, with the fields given, and journal it — only while `token`
   * holds the fleet (checked FOR SHARE in the same statement). false: the target was not in `from`.
   */
  async moveTarget(
    fleetId: string,
    token: number,
    name: string,
    from: readonly TargetState[],
    to: TargetState,
    fields: {
      runId?: string;
      attempt?: number;
      handle?: string | null;
      runStatus?: string | null;
      message?: string | null;
      started?: boolean;
      finished?: boolean;
    },
    event: { type: string; body: Record<string, unknown> },
  ): Promise<boolean> {
    const rows = await this.q<{ fenced_ok: string; moved: string }>(
      "recording a target",
      `WITH f AS (SELECT 1 FROM rbx.fleets WHERE fleet_id = $1 AND controller_token = $2 FOR SHARE),
       u AS (
         UPDATE rbx.fleet_targets t SET state = $5,
           run_id = CASE WHEN $6::boolean THEN $7 ELSE t.run_id END,
           attempt = CASE WHEN $8::boolean THEN $9 ELSE t.attempt END,
           handle = CASE WHEN $10::boolean THEN $11 ELSE t.handle END,
           run_status = CASE WHEN $12::boolean THEN $13 ELSE t.run_status END,
           message = CASE WHEN $14::boolean THEN $15 ELSE t.message END,
           started_at = CASE WHEN $16::boolean THEN now() ELSE t.started_at END,
           finished_at = CASE WHEN $17::boolean THEN now() WHEN $16::boolean THEN NULL ELSE t.finished_at END
         FROM f WHERE t.fleet_id = $1 AND t.name = $3 AND t.state = ANY($4::text[])
         RETURNING t.name
       ),
       e AS (
         INSERT INTO rbx.fleet_events (fleet_id, type, target, body)
         SELECT $1, $18, u.name, $19::jsonb FROM u
       )
       SELECT (SELECT count(*) FROM f) AS fenced_ok, (SELECT count(*) FROM u) AS moved`,
      [
        fleetId,
        token,
        name,
        [...from],
        to,
        fields.runId !== undefined,
        fields.runId ?? null,
        fields.attempt !== undefined,
        fields.attempt ?? 0,
        fields.handle !== undefined,
        fields.handle ?? null,
        fields.runStatus !== undefined,
        fields.runStatus ?? null,
        fields.message !== undefined,
        fields.message ?? null,
        fields.started === true,
        fields.finished === true,
        event.type,
        JSON.stringify(event.body),
      ],
    );
    const r = rows[0];
    if (!r || Number(r.fenced_ok) === 0)
      throw new FleetFencedError(`fleet ${fleetId} is driven by another controller now`);
    return Number(r.moved) > 0;
  }

  /** Set the fleet's status (and let go of the lease when the controller stops), journaled. */
  async setStatus(
    fleetId: string,
    token: number,
    status: FleetStatus,
    message: string | null,
    release: boolean,
  ): Promise<void> {
    const rows = await this.q<{ n: number }>(
      "recording the fleet's status",
      `WITH u AS (
         UPDATE rbx.fleets SET status = $3, message = $4, updated_at = now(),
           controller_expires_at = CASE WHEN $5::boolean THEN NULL ELSE controller_expires_at END
         WHERE fleet_id = $1 AND controller_token = $2 RETURNING fleet_id
       ), e AS (
         INSERT INTO rbx.fleet_events (fleet_id, type, body)
         SELECT fleet_id, 'fleet.' || $3, jsonb_build_object('message', $4::text) FROM u
       ) SELECT count(*) AS n FROM u`,
      [fleetId, token, status, message, release],
    );
    if (Number(rows[0]?.n ?? 0) === 0)
      throw new FleetFencedError(`fleet ${fleetId} is driven by another controller now`);
  }

  /** Journal something a person did to the fleet (an approval), outside any controller. */
  async note(
    fleetId: string,
    type: string,
    target: string | null,
    body: Record<string, unknown>,
  ): Promise<void> {
    await this.q(
      "journaling the fleet",
      "INSERT INTO rbx.fleet_events (fleet_id, type, target, body) VALUES ($1, $2, $3, $4)",
      [fleetId, type, target, JSON.stringify(body)],
    );
  }

  /** The fleet row, or undefined. */
  async fleet(fleetId: string): Promise<FleetRow | undefined> {
    const rows = await this.q<{
      fleet_id: string;
      name: string;
      created_at: Date;
      created_by: string;
      runbook: string;
      runbook_text: string;
      fleet_text: string;
      options: FleetOptions;
      status: FleetStatus;
      message: string | null;
      controller: ControllerInfo | null;
      live: boolean;
      updated_at: Date;
    }>(
      "reading the fleet",
      `SELECT *, coalesce(controller_expires_at > now(), false) AS live FROM rbx.fleets WHERE fleet_id = $1`,
      [fleetId],
    );
    const r = rows[0];
    if (!r) return undefined;
    return {
      fleetId: r.fleet_id,
      name: r.name,
      createdAt: r.created_at.toISOString(),
      createdBy: r.created_by,
      runbook: r.runbook,
      runbookText: r.runbook_text,
      fleetText: r.fleet_text,
      options: r.options,
      status: r.status,
      message: r.message,
      controller: r.controller,
      controllerAlive: r.live,
      updatedAt: r.updated_at.toISOString(),
    };
  }

  /** Every target of a fleet, in order (optionally only those in some states). */
  async targets(fleetId: string, states?: readonly TargetState[]): Promise<TargetRow[]> {
    const rows = await this.q<TargetDbRow>(
      "reading the fleet's targets",
      states
        ? `SELECT ${TARGET_COLUMNS} FROM rbx.fleet_targets WHERE fleet_id = $1 AND state = ANY($2::text[]) ORDER BY position`
        : `SELECT ${TARGET_COLUMNS} FROM rbx.fleet_targets WHERE fleet_id = $1 ORDER BY position`,
      states ? [fleetId, [...states]] : [fleetId],
    );
    return rows.map(targetRow);
  }

  /** How many targets are in each state (one indexed scan; what `fleet status` prints at any size). */
  async counts(fleetId: string): Promise<Record<TargetState, number>> {
    const rows = await this.q<{ state: TargetState; n: string }>(
      "counting the fleet's targets",
      "SELECT state, count(*) AS n FROM rbx.fleet_targets WHERE fleet_id = $1 GROUP BY state",
      [fleetId],
    );
    const out = Object.fromEntries(TARGET_STATES.map((s) => [s, 0])) as Record<TargetState, number>;
    for (const r of rows) out[r.state] = Number(r.n);
    return out;
  }

  /** The fleet journal, oldest first. */
  async events(fleetId: string, limit = 100_000): Promise<FleetEvent[]> {
    const rows = await this.q<{
      seq: string;
      at: Date;
      written_by: string;
      type: string;
      target: string | null;
      body: Record<string, unknown>;
    }>(
      "reading the fleet journal",
      "SELECT seq, at, written_by, type, target, body FROM rbx.fleet_events WHERE fleet_id = $1 ORDER BY seq LIMIT $2",
      [fleetId, limit],
    );
    return rows.map((r) => ({
      seq: Number(r.seq),
      at: r.at.toISOString(),
      by: r.written_by,
      type: r.type,
      target: r.target,
      body: r.body,
    }));
  }

  /** Every fleet, newest first, with its counts. */
  async list(limit = 200): Promise<
    {
      fleetId: string;
      name: string;
      createdAt: string;
      status: FleetStatus;
      targets: number;
      succeeded: number;
      failed: number;
    }[]
  > {
    const rows = await this.q<{
      fleet_id: string;
      name: string;
      created_at: Date;
      status: FleetStatus;
      targets: string;
      succeeded: string;
      failed: string;
    }>(
      "listing fleets",
      `SELECT f.fleet_id, f.name, f.created_at, f.status,
         (SELECT count(*) FROM rbx.fleet_targets t WHERE t.fleet_id = f.fleet_id) AS targets,
         (SELECT count(*) FROM rbx.fleet_targets t WHERE t.fleet_id = f.fleet_id AND t.state = 'succeeded') AS succeeded,
         (SELECT count(*) FROM rbx.fleet_targets t WHERE t.fleet_id = f.fleet_id AND t.state IN ('failed', 'halted')) AS failed
       FROM rbx.fleets f ORDER BY f.created_at DESC LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({
      fleetId: r.fleet_id,
      name: r.name,
      createdAt: r.created_at.toISOString(),
      status: r.status,
      targets: Number(r.targets),
      succeeded: Number(r.succeeded),
      failed: Number(r.failed),
    }));
  }

  /** Whether the run store has a run of this id (a target's run may not exist yet when its launch died). */
  async runExists(runId: string): Promise<boolean> {
    const rows = await this.q("looking a run up", "SELECT 1 FROM rbx.runs WHERE run_id = $1", [runId]);
    return rows.length > 0;
  }

  /** Bytes the fleet tables and the runs' tables take (the bench's store size). */
  async sizes(): Promise<Record<string, number>> {
    const rows = await this.q<{ t: string; b: string }>(
      "measuring the store",
      `SELECT c.relname AS t, pg_total_relation_size(c.oid) AS b FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'rbx' AND c.relkind = 'r'`,
    );
    return Object.fromEntries(rows.map((r) => [r.t, Number(r.b)]));
  }

  async close(): Promise<void> {
    await this.pool?.end().catch(() => {});
    this.pool = undefined;
  }
}

/** This process as a fleet's controller. */
export function thisController(user: string): ControllerInfo {
  return { user, host: hostname(), pid: process.pid, since: new Date().toISOString() };
}
