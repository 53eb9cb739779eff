// The snapshots a run took (the outputs of its snapshot.create steps, kept in the store with the journal) and
// whether this machine can read their dumps before a resume or rollback relies on them.
import { accessSync, constants } from "node:fs";
import { join, resolve } from "node:path";
import type { RunEvent } from "../model/events.js";
import type { SessionOptions } from "./session-options.js";

/** One snapshot of a run: its manifest's id and dump, and the machine and directory it was written to. */
export interface RunSnapshot {
  step: string;
  id: string;
  database: string;
  /** The snapshot's directory as the machine that took it saw it. */
  path: string;
  /** The dump inside it (`dump` or `dump.d`). */
  file: string;
  host: string;
  at: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

/** The snapshots a journal records: each succeeded `snapshot.create` step's manifest, with the host that ran it. */
export function runSnapshots(events: readonly RunEvent[]): RunSnapshot[] {
  const out: RunSnapshot[] = [];
  const actions = new Map<string, string>();
  let host = "";
  for (const e of events) {
    if (e.type === "run.started" || e.type === "run.resumed") host = e.host;
    else if (e.type === "step.started") actions.set(e.step, e.action);
    else if (e.type === "step.succeeded" && actions.get(e.step) === "snapshot.create" && isRecord(e.output)) {
      const o = e.output;
      if (typeof o.id !== "string" || typeof o.path !== "string") continue;
      out.push({
        step: e.step,
        id: o.id,
        database: typeof o.database === "string" ? o.database : "",
        path: o.path,
        file: typeof o.file === "string" ? o.file : "dump",
        host,
        at: e.at,
      });
    }
  }
  return out;
}

/** Where this machine would find a snapshot's dump: the configured snapshot location, else the recorded path. */
export function snapshotDump(
  s: RunSnapshot,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  const candidates = [
    ...(env.RBX_SNAPSHOTS_DIR ? [join(resolve(env.RBX_SNAPSHOTS_DIR), s.id, s.file)] : []),
    join(s.path, s.file),
  ];
  return candidates.find((p) => {
    try {
      accessSync(p, constants.R_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** "host:/path" — where a snapshot's dump was written. */
export function snapshotWhere(s: RunSnapshot): string {
  return `${s.host}:${join(s.path, s.file)}`;
}

/**
 * Before anything runs: say which of the run's snapshot dumps this machine cannot read. A rollback is refused
 * (its restore steps would fail halfway); a resume goes on — it fixes forward — but says that a rollback from
 * this machine could not restore them.
 */
export function snapshotsReadable(
  events: readonly RunEvent[],
  mode: "resume" | "rollback",
  opts: Pick<SessionOptions, "env" | "say">,
): boolean {
  const missing = runSnapshots(events).filter((s) => snapshotDump(s, opts.env) === undefined);
  if (missing.length === 0) return true;
  const level = mode === "rollback" ? "error" : "warning";
  for (const s of missing) {
    opts.say(
      `${level}: this machine cannot read snapshot ${s.id} (step ${s.step}, database ${s.database}), written to ` +
        `${snapshotWhere(s)}; set \`snapshots:\` in .rbx.yaml (or RBX_SNAPSHOTS_DIR) to a location both machines ` +
        "share, or continue from that machine",
    );
  }
  if (mode === "rollback") {
    opts.say("error: refusing to roll back: its restore steps could not read the snapshot; nothing was run");
    return false;
  }
  return true;
}
