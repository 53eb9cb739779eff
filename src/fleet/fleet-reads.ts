// Reading fleets back (a fleet, its targets, counts, journal, the list): what status, report and list show;
// no lease is needed to read.
import { type JournalRead, verifyJournal } from "../run/store/journal-file.js";
import { FleetDb } from "./fleet-db.js";
import { TARGET_COLUMNS, type TargetDbRow, targetRow } from "./fleet-target-rows.js";
import {
  type ControllerInfo,
  type FleetEvent,
  type FleetOptions,
  type FleetRow,
  type FleetStatus,
  TARGET_STATES,
  type TargetRow,
  type TargetState,
} from "./fleet-types.js";

/** The read side of the fleet tables. */
export class FleetReads extends FleetDb {
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

  /**
   * The journals of many runs in one statement (one snapshot: each run's head and lines agree), verified as
   * the run store verifies them; undefined for a run the store does not have (its launch died before it began).
   */
  async runJournals(runIds: readonly string[]): Promise<(JournalRead | undefined)[]> {
    // Each journal as one text (its lines, each ending in a newline): no array for the driver to parse.
    const rows = await this.q<{ run_id: string; head_seq: number; head_hash: string; text: string | null }>(
      "reading the targets' runs",
      `SELECT r.run_id, r.head_seq, r.head_hash,
         (SELECT string_agg(e.line || E'\\n', '' ORDER BY e.seq) FROM rbx.events e WHERE e.run_id = r.run_id) AS text
       FROM rbx.runs r WHERE r.run_id = ANY($1::text[])`,
      [[...runIds]],
      "rbx-fleet-run-journals",
    );
    const byId = new Map(rows.map((r) => [r.run_id, r]));
    return runIds.map((id) => {
      const r = byId.get(id);
      if (!r) return undefined;
      return verifyJournal(r.text ?? "", { seq: r.head_seq, hash: r.head_hash });
    });
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
}
