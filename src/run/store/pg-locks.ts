// Locks in the PostgreSQL store: taking keys under advisory locks in one order, leases renewed and checked
// against the fencing token, letting go, and reading holders.
import type { LockHolder, LockKey } from "../model/events.js";
import { PgConnection } from "./pg-connection.js";
import { holderOf, isThisProcess, type LockRow, rowAlive } from "./pg-lock-rows.js";
import type { LockConflict, LockOutcome, LockRequest } from "./run-store.js";

/** The lock half of the PostgreSQL RunStore. */
export class PgLocks extends PgConnection {
  async lock(keys: readonly LockKey[], holder: LockRequest, force: boolean): Promise<LockOutcome> {
    const sorted = [...keys].sort((a, b) => (a.key < b.key ? -1 : 1));
    return this.withClient(`locking the targets of run ${holder.runId}`, async (c) => {
      await c.query("BEGIN");
      try {
        // Serialize takers of the same keys (also of keys no row exists for yet), in one order: no deadlock.
        await c.query(
          "SELECT pg_advisory_xact_lock(hashtextextended('rbx.lock:' || k, 0)) FROM unnest($1::text[]) AS k",
          [sorted.map((k) => k.key)],
        );
        const current = await c.query<LockRow>(
          `SELECT key, label, run_id, token, holder, expires_at, left_at, expires_at > now() AS live
             FROM rbx.locks WHERE key = ANY($1) FOR UPDATE`,
          [sorted.map((k) => k.key)],
        );
        const byKey = new Map(current.rows.map((r) => [r.key, r]));
        const forced: LockHolder[] = [];
        const reclaimed: LockHolder[] = [];
        const conflicts: LockConflict[] = [];
        for (const k of sorted) {
          const row = byKey.get(k.key);
          if (!row) continue;
          const previous = holderOf(row);
          const alive = rowAlive(row);
          const ownGone = row.run_id === holder.runId && (!alive || isThisProcess(previous));
          if (ownGone) reclaimed.push(previous);
          else if (force) forced.push(previous);
          else conflicts.push({ holder: previous, alive });
        }
        if (conflicts.length > 0) {
          await c.query("ROLLBACK");
          return { ok: false as const, conflicts };
        }
        const t = await c.query<{ token: string }>("SELECT nextval('rbx.fencing_tokens') AS token");
        const token = Number(t.rows[0]?.token);
        const record = {
          runId: holder.runId,
          pid: holder.pid,
          host: holder.host,
          startedAt: holder.startedAt,
          ...(holder.user ? { user: holder.user } : {}),
          ...(holder.role ? { role: holder.role } : {}),
        };
        await c.query(
          `INSERT INTO rbx.locks (key, label, run_id, token, holder, expires_at, renewed_at, left_at)
             SELECT k, l, $3, $4, $5, now() + make_interval(secs => $6::double precision / 1000), now(), NULL
               FROM unnest($1::text[], $2::text[]) AS t(k, l)
           ON CONFLICT (key) DO UPDATE SET label = EXCLUDED.label, run_id = EXCLUDED.run_id,
             token = EXCLUDED.token, holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at,
             renewed_at = EXCLUDED.renewed_at, left_at = NULL`,
          [sorted.map((k) => k.key), sorted.map((k) => k.label), holder.runId, token, record, this.leaseMs],
        );
        await c.query("COMMIT");
        return { ok: true as const, token, forced, reclaimed };
      } catch (err) {
        await c.query("ROLLBACK").catch(() => {});
        throw err;
      }
    });
  }

  async renew(runId: string, keys: readonly LockKey[], token: number): Promise<"renewed" | "lost"> {
    return this.withClient(`renewing the lease of run ${runId}`, async (c) => {
      const r = await c.query(
        `UPDATE rbx.locks SET expires_at = now() + make_interval(secs => $4::double precision / 1000),
            renewed_at = now()
          WHERE key = ANY($1) AND run_id = $2 AND token = $3 AND left_at IS NULL`,
        [keys.map((k) => k.key), runId, token, this.leaseMs],
      );
      return r.rowCount === keys.length ? "renewed" : "lost";
    });
  }

  async holds(runId: string, keys: readonly LockKey[], token: number): Promise<boolean> {
    return this.withClient(`checking the locks of run ${runId}`, async (c) => {
      const r = await c.query<{ n: string }>(
        "SELECT count(*) AS n FROM rbx.locks WHERE key = ANY($1) AND run_id = $2 AND token = $3",
        [keys.map((k) => k.key), runId, token],
      );
      return Number(r.rows[0]?.n ?? 0) === keys.length;
    });
  }

  async leave(runId: string, keys: readonly LockKey[], token: number): Promise<void> {
    await this.withClient(`letting go of run ${runId}`, (c) =>
      c.query(
        "UPDATE rbx.locks SET left_at = now(), expires_at = now() WHERE key = ANY($1) AND run_id = $2 AND token = $3",
        [keys.map((k) => k.key), runId, token],
      ),
    );
  }

  async unlock(runId: string, keys: readonly LockKey[]): Promise<void> {
    await this.withClient(`releasing the locks of run ${runId}`, (c) =>
      c.query("DELETE FROM rbx.locks WHERE key = ANY($1) AND run_id = $2", [keys.map((k) => k.key), runId]),
    );
  }

  async holders(keys: readonly LockKey[]): Promise<LockConflict[]> {
    return this.withClient("reading lock holders", async (c) => {
      const r = await c.query<LockRow>(
        `SELECT key, label, run_id, token, holder, expires_at, left_at, expires_at > now() AS live
           FROM rbx.locks WHERE key = ANY($1) ORDER BY key`,
        [keys.map((k) => k.key)],
      );
      return r.rows.map((row) => ({ holder: holderOf(row), alive: rowAlive(row) }));
    });
  }
}
