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
}

/** This process as a fleet's controller. */
export function thisController(user: string): ControllerInfo {
  return { user, host: hostname(), pid: process.pid, since: new Date().toISOString() };
}
