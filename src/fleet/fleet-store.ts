// Where fleets live: the PostgreSQL run store's fleet tables (one row per fleet, one per target, the fleet
// journal). A controller holds a fleet by a lease and a fencing token; every write it makes checks the token
// in the same statement, so a controller that lost the fleet (or a second one racing it) changes nothing.
// This file holds the writes, each checked against the fencing token; reads, the connection and the types sit beside it.
import { hostname } from "node:os";
import { FleetReads } from "./fleet-reads.js";
import {
  type ControllerInfo,
  FleetFencedError,
  type FleetOptions,
  type FleetStatus,
  FleetStoreError,
  type TargetRow,
  type TargetState,
} from "./fleet-types.js";

export {
  type ControllerInfo,
  type FleetEvent,
  FleetFencedError,
  type FleetOptions,
  type FleetRow,
  type FleetStatus,
  FleetStoreError,
  TARGET_STATES,
  type TargetRow,
  type TargetState,
} from "./fleet-types.js";

/** One target's move: from one of `from` to `to`, the fields it sets, and the fleet journal's event for it. */
export interface TargetMove {
  name: string;
  from: readonly TargetState[];
  to: TargetState;
  fields: {
    runId?: string;
    attempt?: number;
    handle?: string | null;
    runStatus?: string | null;
    message?: string | null;
    started?: boolean;
    finished?: boolean;
  };
  event: { type: string; body: Record<string, unknown> };
}

/**
 * The moves of many targets as one statement (prepared once per connection): the token checked FOR SHARE, each
 * target updated only from one of its `from` states (a comma-separated list), one event per moved target, in
 * the order given. Returns whether the token held and the 1-based positions of the moves that took place.
 */
const MOVE_TARGETS = `WITH f AS (SELECT 1 FROM rbx.fleets WHERE fleet_id = $1 AND controller_token = $2 FOR SHARE),
  m AS (
    SELECT * FROM unnest($3::text[], $4::text[], $5::text[], $6::boolean[], $7::text[], $8::boolean[], $9::int[],
      $10::boolean[], $11::text[], $12::boolean[], $13::text[], $14::boolean[], $15::text[], $16::boolean[],
      $17::boolean[], $18::text[], $19::text[]) WITH ORDINALITY
      AS m(name, from_states, to_state, set_run, run_id, set_attempt, attempt, set_handle, handle, set_run_status,
        run_status, set_message, message, started, finished, type, body, ord)
  ),
  u AS (
    UPDATE rbx.fleet_targets t SET state = m.to_state,
      run_id = CASE WHEN m.set_run THEN m.run_id ELSE t.run_id END,
      attempt = CASE WHEN m.set_attempt THEN m.attempt ELSE t.attempt END,
      handle = CASE WHEN m.set_handle THEN m.handle ELSE t.handle END,
      run_status = CASE WHEN m.set_run_status THEN m.run_status ELSE t.run_status END,
      message = CASE WHEN m.set_message THEN m.message ELSE t.message END,
      started_at = CASE WHEN m.started THEN now() ELSE t.started_at END,
      finished_at = CASE WHEN m.finished THEN now() WHEN m.started THEN NULL ELSE t.finished_at END
    FROM f, m
    WHERE t.fleet_id = $1 AND t.name = m.name AND t.state = ANY(string_to_array(m.from_states, ','))
    RETURNING t.name, m.ord, m.type, m.body
  ),
  e AS (
    INSERT INTO rbx.fleet_events (fleet_id, type, target, body)
    SELECT $1, u.type, u.name, u.body::jsonb FROM u ORDER BY u.ord
  )
  SELECT (SELECT count(*) FROM f) AS fenced_ok, array(SELECT u.ord FROM u ORDER BY u.ord) AS moved`;

/** The fleet tables of one PostgreSQL store (migrated by the run store, which the caller opens first). */
export class FleetStore extends FleetReads {
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
    fields: TargetMove["fields"],
    event: TargetMove["event"],
  ): Promise<boolean> {
    const [moved] = await this.moveTargets(fleetId, token, [{ name, from, to, fields, event }]);
    return moved === true;
  }

  /**
   * Move many targets in one statement, one commit: each as moveTarget moves one, all or none, only while
   * `token` holds the fleet. The fleet journal gets their events in the order given. Each target at most once.
   * Returns, in order, whether each target moved (false: it was not in its `from`).
   */
  async moveTargets(fleetId: string, token: number, moves: readonly TargetMove[]): Promise<boolean[]> {
    if (moves.length === 0) return [];
    const col = <T>(f: (m: TargetMove) => T): T[] => moves.map(f);
    const rows = await this.q<{ fenced_ok: string; moved: number[] }>(
      "recording targets",
      MOVE_TARGETS,
      [
        fleetId,
        token,
        col((m) => m.name),
        col((m) => m.from.join(",")),
        col((m) => m.to),
        col((m) => m.fields.runId !== undefined),
        col((m) => m.fields.runId ?? null),
        col((m) => m.fields.attempt !== undefined),
        col((m) => m.fields.attempt ?? 0),
        col((m) => m.fields.handle !== undefined),
        col((m) => m.fields.handle ?? null),
        col((m) => m.fields.runStatus !== undefined),
        col((m) => m.fields.runStatus ?? null),
        col((m) => m.fields.message !== undefined),
        col((m) => m.fields.message ?? null),
        col((m) => m.fields.started === true),
        col((m) => m.fields.finished === true),
        col((m) => m.event.type),
        col((m) => JSON.stringify(m.event.body)),
      ],
      "rbx-fleet-move-targets",
    );
    const r = rows[0];
    if (!r || Number(r.fenced_ok) === 0)
      throw new FleetFencedError(`fleet ${fleetId} is driven by another controller now`);
    const moved = new Set(r.moved.map(Number));
    return moves.map((_, i) => moved.has(i + 1));
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
}

/** This process as a fleet's controller. */
export function thisController(user: string): ControllerInfo {
  return { user, host: hostname(), pid: process.pid, since: new Date().toISOString() };
}
